package io.stentor.server;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.cfg.EnumFeature;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.stentor.error.StentorException;
import java.io.IOException;
import java.util.stream.Collectors;

/**
 * The one JSON mapper: strict on input (unknown fields, wrong types and coerced scalars are errors),
 * ISO-8601 timestamps and lower-case enum names on output. Thread-safe.
 */
public final class Json {

    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
            .enable(EnumFeature.WRITE_ENUMS_TO_LOWERCASE)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .addModule(new SimpleModule("unicode-text").addDeserializer(String.class, new UnicodeText()))
            .build();

    static {
        // A number or boolean where text is expected is a client mistake, not something to guess at.
        var textual = MAPPER.coercionConfigFor(LogicalType.Textual);
        textual.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
        textual.setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
        textual.setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
    }

    private Json() {
    }

    public static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass(), e);
        }
    }

    public static String writeString(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass(), e);
        }
    }

    /** Parses a request body into {@code type}, turning every parser complaint into a 400 a person can act on. */
    public static <T> T read(byte[] body, Class<T> type) {
        try {
            T value = MAPPER.readValue(body, type);
            if (value == null) {
                throw StentorException.badRequest("body_required", "The request body must be a JSON object.");
            }
            return value;
        } catch (UnrecognizedPropertyException e) {
            throw StentorException.badRequest("unknown_field", "Unknown field '" + e.getPropertyName()
                    + "'. Known fields: " + e.getKnownPropertyIds().stream().map(String::valueOf).sorted()
                            .collect(Collectors.joining(", ")) + ".");
        } catch (InvalidFormatException e) {
            throw StentorException.badRequest("invalid_field", "Field '" + path(e) + "' has an invalid value"
                    + (e.getTargetType() != null && e.getTargetType().isEnum()
                            ? "; expected one of " + enumValues(e.getTargetType()) : "") + ".");
        } catch (MismatchedInputException e) {
            String p = path(e);
            throw StentorException.badRequest("invalid_field", p.isEmpty()
                    ? "The request body must be a JSON object of the documented shape."
                    : "Field '" + p + "' has the wrong type or is missing.");
        } catch (JsonParseException e) {
            throw StentorException.badRequest("malformed_json", "The request body is not valid JSON (or not UTF-8): "
                    + e.getOriginalMessage().lines().findFirst().orElse("") + ".");
        } catch (StentorException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // Validation inside a record's constructor surfaces wrapped; unwrap our own.
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof StentorException se) {
                    throw se;
                }
            }
            throw StentorException.badRequest("malformed_json", "The request body could not be read as JSON.");
        }
    }

    /**
     * Text as Jackson reads it, refusing an unpaired surrogate: a "\\ud800" escape is valid JSON but
     * not Unicode, and would be stored as '?' by a UTF-8 database, or break a client that reads it.
     */
    private static final class UnicodeText extends StdScalarDeserializer<String> {

        UnicodeText() {
            super(String.class);
        }

        @Override
        public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            String text = StringDeserializer.instance.deserialize(p, ctxt);
            if (text != null && !wellFormed(text)) {
                String field = p.currentName();
                throw StentorException.badRequest("invalid_field", (field == null ? "A text value" : "Field '" + field + "'")
                        + " is not valid Unicode (it has an unpaired surrogate escape such as \\ud800).");
            }
            return text;
        }

        private static boolean wellFormed(String s) {
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else if (Character.isSurrogate(c)) {
                    return false;
                }
            }
            return true;
        }
    }

    private static String path(MismatchedInputException e) {
        return e.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining("."));
    }

    private static String enumValues(Class<?> type) {
        Object[] constants = type.getEnumConstants();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < constants.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(((Enum<?>) constants[i]).name().toLowerCase(java.util.Locale.ROOT));
        }
        return sb.toString();
    }
}
