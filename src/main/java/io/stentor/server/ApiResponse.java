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
