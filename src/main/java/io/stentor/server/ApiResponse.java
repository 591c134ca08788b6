package io.stentor.server;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What a route answers: a status, a JSON body (or raw bytes), extra headers and cookies. */
public final class ApiResponse {

    final int status;
    final Object jsonBody;
    final byte[] rawBody;
    final String contentType;
    final Map<String, String> headers = new LinkedHashMap<>();
    final List<String> setCookies = new ArrayList<>();
    /** For streaming responses: who takes the connection once the head is written; else null. */
    StreamTakeover takeover;
    /** For file responses: the file, sent with Range support and zero-copy; else null. */
    java.nio.file.Path file;

    private ApiResponse(int status, Object jsonBody, byte[] rawBody, String contentType) {
        this.status = status;
        this.jsonBody = jsonBody;
        this.rawBody = rawBody;
        this.contentType = contentType;
    }

    public static ApiResponse ok(Object body) {
        return new ApiResponse(200, body, null, "application/json");
    }

    public static ApiResponse created(Object body) {
        return new ApiResponse(201, body, null, "application/json");
    }

    public static ApiResponse noContent() {
        return new ApiResponse(204, null, null, null);
    }

    public static ApiResponse status(int status, Object body) {
        return new ApiResponse(status, body, null, "application/json");
    }

    public static ApiResponse raw(int status, String contentType, byte[] body) {
        return new ApiResponse(status, null, body, contentType);
    }

    /**
     * An endless (or long) body written by someone else: the server writes this response's status
     * and headers without a Content-Length, strips HTTP handling from the connection, and hands
     * the channel over. The connection closes when the stream ends.
     */
    public static ApiResponse stream(String contentType, StreamTakeover takeover) {
        ApiResponse r = new ApiResponse(200, null, null, contentType);
        r.takeover = takeover;
        return r;
    }

    /** A file, served with {@code Accept-Ranges} and single-range {@code Range} requests (206, 416). */
    public static ApiResponse file(java.nio.file.Path file, String contentType) {
        ApiResponse r = new ApiResponse(200, null, null, contentType);
        r.file = file;
        return r;
    }

    public ApiResponse header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    /** Adds a {@code Set-Cookie} header (already encoded). */
    public ApiResponse cookie(String encoded) {
        setCookies.add(encoded);
        return this;
    }

    public int status() {
        return status;
    }
}
