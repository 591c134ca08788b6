package io.stentor.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** A tiny HTTP client for tests: JSON in and out, optional bearer token or cookie. */
public final class Api {

    public static final ObjectMapper JSON = new ObjectMapper();

    /** A response: status, headers and the body parsed as JSON (null when empty or not JSON). */
    public record Res(int status, JsonNode json, String text, Map<String, List<String>> headers) {
        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }

        public String error() {
            return json == null ? null : json.path("error").asText(null);
        }

        /** The {@code name=value} part of the cookie of that name this response sets, or null. */
        public String cookie(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase("set-cookie"))
                    .flatMap(e -> e.getValue().stream()).filter(c -> c.startsWith(name + "="))
                    .map(c -> c.split(";", 2)[0]).findFirst().orElse(null);
        }
    }

    private final String base;
    private final InetAddress local;
    private final HttpClient http;
    private String token;
    private String cookie;

    public Api(String base) {
        this(base, null);
    }

    private Api(String base, InetAddress local) {
        this.base = base;
        this.local = local;
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
        this.http = (local == null ? b : b.localAddress(local)).build();
    }

    public Api withToken(String token) {
        Api a = new Api(base, local);
        a.token = token;
        return a;
    }

    public Api withCookie(String cookie) {
        Api a = new Api(base, local);
        a.cookie = cookie;
        return a;
    }

    /**
     * The same client connecting from another loopback address (any of 127.0.0.0/8 on Linux), so
     * a test can be several clients on several networks; keeps the credentials.
     */
    public Api from(String localAddress) {
        try {
            Api a = new Api(base, InetAddress.getByName(localAddress));
            a.token = token;
            a.cookie = cookie;
            return a;
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(localAddress, e);
        }
    }

    public String token() {
        return token;
    }

    public String base() {
        return base;
    }

    public Res get(String path) {
        return send("GET", path, null);
    }

    public Res post(String path, Object body) {
        return send("POST", path, body);
    }

    public Res post(String path) {
        return send("POST", path, null);
    }

    public Res put(String path, Object body) {
        return send("PUT", path, body);
    }

    public Res patch(String path, Object body) {
        return send("PATCH", path, body);
    }

    public Res delete(String path) {
        return send("DELETE", path, null);
    }

    public Res send(String method, String path, Object body) {
        try {
            byte[] bytes = body == null ? new byte[0]
                    : body instanceof byte[] b ? b : body instanceof String s ? s.getBytes() : JSON.writeValueAsBytes(body);
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20))
                    .method(method, bytes.length == 0 ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(bytes));
            if (bytes.length > 0) {
                b.header("Content-Type", "application/json");
            }
            return send(b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends a request built by the caller, adding credentials. */
    public Res send(HttpRequest.Builder b) {
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json = null;
            String ct = r.headers().firstValue("content-type").orElse("");
            if (ct.startsWith("application/json") && !r.body().isEmpty()) {
                json = JSON.readTree(r.body());
            }
            return new Res(r.statusCode(), json, r.body(), r.headers().map());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The value of one sample on /metrics, by its exact name and labels (0 when absent). */
    public double metric(String sample) {
        return get("/metrics").text().lines().filter(l -> l.startsWith(sample + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(sample.length() + 1))).findFirst().orElse(0);
    }

    /** Registers a user and returns a client holding a fresh bearer token for them. */
    public Api registerAndLogin(String handle) {
        Res r = post("/api/v1/users", Map.of("handle", handle, "displayName", "User " + handle, "password", "correct horse " + handle));
        if (r.status() != 201) {
            throw new AssertionError("register " + handle + ": " + r.status() + " " + r.text());
        }
        Res t = post("/api/v1/auth/tokens", Map.of("handle", handle, "password", "correct horse " + handle));
        if (t.status() != 201) {
            throw new AssertionError("token " + handle + ": " + t.status() + " " + t.text());
        }
        return withToken(t.json().get("token").asText());
    }
}
