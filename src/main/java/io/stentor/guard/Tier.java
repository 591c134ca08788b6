package io.stentor.guard;

/** How a listener receives the audio. */
public enum Tier {
    /** The media WebSocket (lowest latency, the browser's default). */
    WEBSOCKET("websocket"),
    /** The Icecast-compatible HTTP Ogg stream (cheaper per listener, any player). */
    HTTP("http"),
    /**
     * HLS / LL-HLS, the CDN tier: no connection held on this server (a cache in front answers the
     * audience), a few seconds behind live. Its ticket opens no socket on this server.
     */
    HLS("hls");

    private final String label;

    Tier(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    static Tier parse(String s) {
        for (Tier t : values()) {
            if (t.label.equals(s)) {
                return t;
            }
        }
        return null;
    }
}
