package io.stentor.error;

/**
 * A failure a client caused or must be told about: a {@link Kind} (which the HTTP layer maps to a
 * status), a stable machine-readable code and a human message. Thrown by any feature; turned into
 * {@code {"error": CODE, "message": TEXT}} in exactly one place, the server's error responder.
 */
public final class StentorException extends RuntimeException {

    /** The broad class of failure, each with the HTTP status it maps to. */
    public enum Kind {
        BAD_REQUEST(400), UNAUTHORIZED(401), FORBIDDEN(403), NOT_FOUND(404), METHOD_NOT_ALLOWED(405),
        CONFLICT(409), GONE(410), PAYLOAD_TOO_LARGE(413), UNSUPPORTED_MEDIA_TYPE(415), PRECONDITION_REQUIRED(428),
        HEADERS_TOO_LARGE(431),
        TOO_MANY_REQUESTS(429), UNAVAILABLE(503);

        public final int status;

        Kind(int status) {
            this.status = status;
        }
    }

    private final Kind kind;
    private final String code;
    private long retryAfterSeconds;

    public StentorException(Kind kind, String code, String message) {
        super(message, null, false, false);
        this.kind = kind;
        this.code = code;
    }

    /** Sets the {@code Retry-After} a client is told (429 and 503). */
    public StentorException retryAfter(long seconds) {
        this.retryAfterSeconds = seconds;
        return this;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public Kind kind() {
        return kind;
    }

    public String code() {
        return code;
    }

    public static StentorException badRequest(String code, String message) {
        return new StentorException(Kind.BAD_REQUEST, code, message);
    }

    public static StentorException unauthorized(String message) {
        return new StentorException(Kind.UNAUTHORIZED, "unauthorized", message);
    }

    public static StentorException forbidden(String code, String message) {
        return new StentorException(Kind.FORBIDDEN, code, message);
    }

    public static StentorException notFound(String code, String message) {
        return new StentorException(Kind.NOT_FOUND, code, message);
    }

    public static StentorException conflict(String code, String message) {
        return new StentorException(Kind.CONFLICT, code, message);
    }

    public static StentorException tooManyRequests(String code, String message) {
        return new StentorException(Kind.TOO_MANY_REQUESTS, code, message);
    }
}
