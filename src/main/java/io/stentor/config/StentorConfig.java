package io.stentor.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * All of Stentor's configuration, one section per feature. Built once at start-up by
 * {@link ConfigSources} and immutable afterwards; safe to share between threads.
 */
public record StentorConfig(Http http, Database db, Auth auth, Spaces spaces, Events events, Media media, Guard guard,
        Admission admission, Overload overload, Safety safety, Misuse misuse, Cluster cluster) {

    /**
     * Scale-out: this node's role (an origin mixes and publishes; an edge relays and serves
     * listeners), the NATS servers that carry frames between them, and the edges' heartbeats.
     * An empty {@code nats} on an origin means a single node.
     */
    public record Cluster(String role, String nats, String subjectPrefix, String publicUrl, Duration heartbeatInterval,
            Duration edgeTimeout, String region) {

        public boolean edge() {
            return role.equals("edge");
        }

        public boolean clustered() {
            return !nats.isEmpty();
        }
    }

    /**
     * The misuse policies (DSA Art 23), stated in the terms: repeated violations lead, after a
     * warning, to a suspension; so do repeated manifestly unfounded notices, whose notices are
     * first queued last. Counted over {@code window}; 0 turns a step off.
     */
    public record Misuse(Duration window, int violationsWarn, int violationsSuspend, Duration violationsSuspension,
            int unfoundedDeprioritise, int unfoundedWarn, int unfoundedSuspend, Duration unfoundedSuspension) {
    }

    /**
     * Trust &amp; safety: where the terms of service are, the Transparency Database, how long
     * evidence is kept after a decision (and how often that is enforced), large live events.
     */
    public record Safety(String termsDir, String tdbUrl, String tdbToken, Duration tdbInterval,
            Duration evidenceRetention, Duration evidenceSweepInterval, int evidenceMaxMib, int riskRecordAudience) {
    }

    /** Who gets in: listener caps, the admission rate, the waiting room, join tickets. */
    public record Admission(int maxListeners, int maxWebSocketListeners, int perSecond, int maxWaiting,
            Duration waitingTimeout, Duration ticketTtl, Duration rejoinGrace, boolean hlsWhenFull) {
    }

    /**
     * When the node counts as constrained or critical: thresholds per signal (event-loop lag, bytes
     * queued to sockets, heap after collection, process CPU) and how long it must be calm to step down.
     */
    public record Overload(Duration sampleInterval, Duration lagConstrained, Duration lagCritical, int queuedConstrainedMib,
            int queuedCriticalMib, int heapConstrainedPercent, int heapCriticalPercent, int cpuConstrainedPercent,
            int cpuCriticalPercent, Duration calm) {
    }

    /**
     * Abuse limits: rates per client address and network, concurrent connections, failed logins per
     * account, proof-of-work. An empty {@code secret} means a random key per start.
     */
    public record Guard(String exempt, int apiPerSecond, int loginsPerMinute, int registrationsPerHour,
            int joinsPerSecond, int reactionsPerSecond, int subnetFactor, int connectionsPerIp, int connectionsPerSubnet,
            LoginFailures loginFailures, ProofOfWork proofOfWork, String secret, int maxPendingHandshakes) {

        /** Failed-login throttling per account (see io.stentor.guard.LoginThrottle). */
        public record LoginFailures(int perNetwork, int perAccount, Duration window, Duration knownDeviceTtl) {
        }

        /** Proof-of-work: {@code mode} is off, auto or always; difficulty in leading zero bits per node state. */
        public record ProofOfWork(String mode, int bitsConstrained, int bitsCritical, Duration challengeTtl) {
        }
    }

    /** The HTTP server and its limits. */
    public record Http(String host, int port, int maxHeaderBytes, int maxBodyBytes, Duration headerReadTimeout,
            Duration idleTimeout, int maxWebSocketFrameBytes, int writeBufferBytes, int socketSendBuffer) {
    }

    /** Where data lives. An empty {@code url} means embedded H2 under {@code dataDir}. */
    public record Database(Path dataDir, String url, String user, String password, int poolSize) {

        public String effectiveUrl() {
            if (!url.isBlank()) {
                return url;
            }
            return "jdbc:h2:file:" + dataDir.toAbsolutePath().normalize().resolve("stentor") + ";DB_CLOSE_ON_EXIT=FALSE";
        }
    }

    /** Logins and password hashing. */
    public record Auth(Duration sessionTtl, boolean cookieSecure, int argon2MemoryKib, int argon2Iterations,
            int hashConcurrency) {
    }

    /** Rules of the control plane that an operator may tune. */
    public record Spaces(int reactionsPerSecond, int listLimit) {
    }

    /** Live events to clients. */
    public record Events(Duration flushInterval) {
    }

    /** The media plane: codec, buffers, limits, recordings. */
    public record Media(String codec, int bitrate, int jitterFrames, int maxConcealedFrames, int maxPacketBytes,
            int maxBehindFrames, int maxQueuedFrames, int maxFramesPerWrite, int oggPageFrames, int recorderPageFrames, Path recordingsDir, int clockThreads,
            int hlsSegmentFrames, int hlsPartFrames, int hlsWindowSegments) {

        /** The most frames any fan-out may gather into one socket write (media.max-frames-per-write's ceiling: 0.5 s). */
        public static final int MAX_FRAMES_PER_WRITE = 25;
    }

    static StentorConfig from(Map<String, String> v) {
        Reader r = new Reader(v);
        return new StentorConfig(
                new Http(r.string("http.host"), r.integer("http.port", 0, 65535),
                        r.integer("http.max-header-bytes", 1024, 1 << 20),
                        r.integer("http.max-body-bytes", 1024, 1 << 30),
                        r.duration("http.header-read-timeout"), r.duration("http.idle-timeout"),
                        r.integer("http.max-websocket-frame-bytes", 1024, 16 << 20),
                        r.integer("http.write-buffer-bytes", 1024, 64 << 20),
                        r.integer("http.socket-send-buffer", 0, 64 << 20)),
                new Database(Path.of(r.string("data.dir")), r.string("db.url"), r.string("db.user"),
                        r.string("db.password"), r.integer("db.pool-size", 1, 1000)),
                new Auth(r.duration("auth.session-ttl"), r.bool("auth.cookie-secure"),
                        r.integer("auth.argon2-memory-kib", 8, 4 << 20),
                        r.integer("auth.argon2-iterations", 1, 100),
                        r.integer("auth.hash-concurrency", 1, 1024)),
                new Spaces(r.integer("space.reactions-per-second", 1, 1000), r.integer("space.list-limit", 1, 10_000)),
                new Events(r.duration("events.flush-interval")),
                new Media(r.oneOf("media.codec", "auto", "native", "java"), r.integer("media.bitrate", 6000, 510_000),
                        r.integer("media.jitter-frames", 1, 30), r.integer("media.max-concealed-frames", 0, 50),
                        r.integer("media.max-packet-bytes", 16, 1275), r.integer("media.max-behind-frames", 5, 3000),
                        r.integer("media.max-queued-frames", 2, 500),
                        r.integer("media.max-frames-per-write", 1, Media.MAX_FRAMES_PER_WRITE),
                        r.integer("media.ogg-page-frames", 1, 50), r.integer("media.recorder-page-frames", 1, 49),
                        r.string("media.recordings-dir").isEmpty() ? Path.of(r.string("data.dir")).resolve("recordings")
                                : Path.of(r.string("media.recordings-dir")),
                        r.integer("media.clock-threads", 0, 256),
                        r.integer("media.hls-segment-frames", 25, 500), r.integer("media.hls-part-frames", 5, 100),
                        r.integer("media.hls-window-segments", 3, 100)),
                new Guard(r.string("guard.exempt"), r.integer("guard.api-per-second", 1, 1_000_000),
                        r.integer("guard.logins-per-minute", 1, 1_000_000), r.integer("guard.registrations-per-hour", 1, 1_000_000),
                        r.integer("guard.joins-per-second", 1, 1_000_000), r.integer("guard.reactions-per-second", 1, 1_000_000),
                        r.integer("guard.subnet-factor", 1, 10_000), r.integer("guard.connections-per-ip", 1, 1_000_000),
                        r.integer("guard.connections-per-subnet", 1, 10_000_000),
                        new Guard.LoginFailures(r.integer("guard.login-failures-per-network", 1, 10_000),
                                r.integer("guard.login-failures-per-account", 1, 1_000_000),
                                r.duration("guard.login-failure-window"), r.duration("guard.known-device-ttl")),
                        new Guard.ProofOfWork(r.oneOf("guard.proof-of-work", "off", "auto", "always"),
                                r.integer("guard.pow-bits-constrained", 1, 32), r.integer("guard.pow-bits-critical", 1, 32),
                                r.duration("guard.pow-challenge-ttl")),
                        r.secret("guard.secret"), r.integer("guard.max-pending-handshakes", 1, 10_000_000)),
                new Admission(r.integer("admission.max-listeners", 0, 10_000_000),
                        r.integer("admission.max-websocket-listeners", 0, 10_000_000),
                        r.integer("admission.per-second", 1, 1_000_000), r.integer("admission.max-waiting", 0, 10_000_000),
                        r.duration("admission.waiting-timeout"), r.duration("admission.ticket-ttl"),
                        r.duration("admission.rejoin-grace"), r.bool("admission.hls-when-full")),
                new Overload(r.duration("overload.sample-interval"), r.duration("overload.lag-constrained"),
                        r.duration("overload.lag-critical"), r.integer("overload.queued-constrained-mib", 1, 1 << 20),
                        r.integer("overload.queued-critical-mib", 1, 1 << 20),
                        r.integer("overload.heap-constrained-percent", 1, 100), r.integer("overload.heap-critical-percent", 1, 100),
                        r.integer("overload.cpu-constrained-percent", 1, 101), r.integer("overload.cpu-critical-percent", 1, 101),
                        r.duration("overload.calm")),
                new Safety(r.string("safety.terms-dir"), r.string("safety.tdb-url"), r.string("safety.tdb-token"),
                        r.duration("safety.tdb-interval"), r.duration("safety.evidence-retention"),
                        r.duration("safety.evidence-sweep-interval"), r.integer("safety.evidence-max-mib", 0, 1 << 24),
                        r.integer("safety.risk-record-audience", 1, 1_000_000_000)),
                new Misuse(r.duration("misuse.window"), r.integer("misuse.violations-warn", 0, 1000),
                        r.integer("misuse.violations-suspend", 0, 1000), r.duration("misuse.violations-suspension"),
                        r.integer("misuse.unfounded-deprioritise", 0, 1000), r.integer("misuse.unfounded-warn", 0, 1000),
                        r.integer("misuse.unfounded-suspend", 0, 1000), r.duration("misuse.unfounded-suspension")),
                cluster(r));
    }

    private static Cluster cluster(Reader r) {
        Cluster c = new Cluster(r.oneOf("role", "origin", "edge"), r.string("nats"), r.string("cluster.subject-prefix"),
                r.string("cluster.public-url"), r.duration("cluster.heartbeat-interval"), r.duration("cluster.edge-timeout"),
                r.string("cluster.region"));
        if (c.edge() && !c.clustered()) {
            throw new ConfigException("role edge needs nats (the NATS server the origin publishes on), e.g. nats://127.0.0.1:4222");
        }
        if (!c.subjectPrefix().matches("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*")) {
            throw new ConfigException("cluster.subject-prefix must be NATS tokens separated by dots, got '" + c.subjectPrefix() + "'");
        }
        if (c.edgeTimeout().compareTo(c.heartbeatInterval().multipliedBy(2)) < 0) {
            throw new ConfigException("cluster.edge-timeout must be at least twice cluster.heartbeat-interval");
        }
        return c;
    }

    /** Parses typed values, naming the setting in every error. */
    private record Reader(Map<String, String> values) {
        private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");

        String string(String key) {
            String s = values.get(key);
            if (s == null) {
                throw new ConfigException("missing setting " + key);
            }
            return s.trim();
        }

        int integer(String key, int min, int max) {
            String s = string(key);
            try {
                int n = Integer.parseInt(s);
                if (n < min || n > max) {
                    throw new ConfigException(key + " must be between " + min + " and " + max + ", got " + n);
                }
                return n;
            } catch (NumberFormatException e) {
                throw new ConfigException(key + " must be a whole number, got '" + s + "'");
            }
        }

        /** A key: empty, or long enough that guessing it is hopeless. */
        String secret(String key) {
            String s = string(key);
            if (!s.isEmpty() && s.length() < 32) {
                throw new ConfigException(key + " must be empty (a random key per start) or at least 32 characters");
            }
            return s;
        }

        String oneOf(String key, String... allowed) {
            String s = string(key);
            for (String a : allowed) {
                if (a.equals(s)) {
                    return s;
                }
            }
            throw new ConfigException(key + " must be one of " + String.join(", ", allowed) + ", got '" + s + "'");
        }

        boolean bool(String key) {
            String s = string(key);
            return switch (s) {
                case "true" -> true;
                case "false" -> false;
                default -> throw new ConfigException(key + " must be true or false, got '" + s + "'");
            };
        }

        Duration duration(String key) {
            String s = string(key);
            Matcher m = DURATION.matcher(s);
            if (!m.matches()) {
                throw new ConfigException(key + " must be a duration like 500ms, 10s, 5m, 2h or 30d, got '" + s + "'");
            }
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
    }
}
