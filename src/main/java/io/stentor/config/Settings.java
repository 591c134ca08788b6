package io.stentor.config;

import java.util.List;
import java.util.Optional;

/**
 * The catalogue of every setting Stentor reads, with defaults that run on a laptop. This list is the
 * single source for {@code stentor serve --help}, the environment variables and docs/OPERATIONS.md.
 */
public final class Settings {

    public static final List<Setting> ALL = List.of(
            new Setting("http.host", "0.0.0.0", "Address the HTTP server binds to."),
            new Setting("http.port", "8080", "HTTP port (0 picks a free port)."),
            new Setting("http.max-header-bytes", "16384", "Largest request line plus headers, in bytes; larger gets 431."),
            new Setting("http.max-body-bytes", "1048576", "Largest request body, in bytes; larger gets 413."),
            new Setting("http.header-read-timeout", "10s", "Time a client has to send a complete request head."),
            new Setting("http.idle-timeout", "60s", "Idle keep-alive connections are closed after this."),
            new Setting("http.max-websocket-frame-bytes", "65536", "Largest WebSocket frame a client may send."),
            new Setting("http.write-buffer-bytes", "32768", "Bytes queued for one connection before it counts as slow "
                    + "(listeners then lose frames)."),
            new Setting("http.socket-send-buffer", "0", "Kernel send buffer per connection in bytes; 0 leaves the OS default."),
            new Setting("data.dir", "./data", "Directory for the embedded database and recordings."),
            new Setting("db.url", "", "JDBC URL; empty means the embedded H2 database in data.dir. "
                    + "Example: jdbc:postgresql://127.0.0.1:5432/stentor"),
            new Setting("db.user", "", "Database user (PostgreSQL)."),
            new Setting("db.password", "", "Database password (PostgreSQL)."),
            new Setting("db.pool-size", "10", "Maximum pooled database connections."),
            new Setting("auth.session-ttl", "30d", "How long a login (cookie or bearer token) stays valid."),
            new Setting("auth.cookie-secure", "false", "Mark the session cookie Secure (set true behind HTTPS)."),
            new Setting("auth.argon2-memory-kib", "19456", "Argon2id memory cost per password hash, in KiB."),
            new Setting("auth.argon2-iterations", "2", "Argon2id iterations per password hash."),
            new Setting("auth.hash-concurrency", "2", "Password hashes computed at once; more wait in line."),
            new Setting("space.reactions-per-second", "5", "Reactions one user may send per second (burst: 2x)."),
            new Setting("space.list-limit", "100", "Most spaces returned by one list request."),
            new Setting("events.flush-interval", "1s", "How often listener counts and reactions are sent to clients."),
            new Setting("guard.exempt", "127.0.0.0/8,::1", "Networks the abuse limits leave alone (comma-separated CIDRs; "
                    + "empty = none; behind a reverse proxy, limit at the proxy)."),
            new Setting("guard.api-per-second", "50", "API requests per second per client address (burst 2x)."),
            new Setting("guard.logins-per-minute", "10", "Logins (cookie or token) per minute per client address."),
            new Setting("guard.registrations-per-hour", "10", "Sign-ups per hour per client address."),
            new Setting("guard.joins-per-second", "5", "Listener joins (events, listen, Ogg, join) per second per client address (burst 4x)."),
            new Setting("guard.reactions-per-second", "20", "Reactions per second per client address (burst 2x)."),
            new Setting("guard.subnet-factor", "10", "A client network (/24 IPv4, /64 IPv6) may do this many times an address's rate."),
            new Setting("guard.connections-per-ip", "100", "Concurrent connections per client address; more are closed on connect."),
            new Setting("guard.connections-per-subnet", "1000", "Concurrent connections per client network."),
            new Setting("guard.max-pending-handshakes", "2000", "Connections on this node still sending their first request "
                    + "head; at the cap a new one takes the place of the oldest slow one (slowloris)."),
            new Setting("guard.login-failures-per-network", "5", "Failed logins to one account from one client network "
                    + "(or known device) before it must wait; then one try per window/this."),
            new Setting("guard.login-failures-per-account", "20", "Failed logins to one account from anywhere within the "
                    + "window before it counts as under attack: then only its known devices and networks may try freely."),
            new Setting("guard.login-failure-window", "15m", "How long failed logins are remembered (they drain evenly over it)."),
            new Setting("guard.known-device-ttl", "90d", "Lifetime of the known-device cookie a successful login sets, "
                    + "and how long the network it came from is remembered."),
            new Setting("guard.secret", "", "HMAC key (32+ characters) signing known-device cookies and proof-of-work "
                    + "challenges; empty = a random key made once and kept in the database (shared by nodes on one database)."),
            new Setting("guard.proof-of-work", "auto", "Proof-of-work for logins (and joins): off, auto (only while the node "
                    + "is constrained or critical) or always."),
            new Setting("guard.pow-bits-constrained", "14", "Proof-of-work difficulty (leading zero bits) while constrained."),
            new Setting("guard.pow-bits-critical", "16", "Proof-of-work difficulty (leading zero bits) while critical."),
            new Setting("guard.pow-challenge-ttl", "2m", "How long a proof-of-work challenge may be solved and used."),
            new Setting("admission.max-listeners", "18000", "Listeners this node holds on all tiers; new joins beyond wait in the waiting room."),
            new Setting("admission.max-websocket-listeners", "12000", "WebSocket listeners this node holds; new listeners "
                    + "beyond are offered the HTTP tier."),
            new Setting("admission.per-second", "1000", "New listeners admitted per second (halved when constrained, a "
                    + "quarter when critical); more wait in the waiting room."),
            new Setting("admission.max-waiting", "100000", "Places in the waiting room; beyond, joins are refused with Retry-After."),
            new Setting("admission.waiting-timeout", "30s", "A waiting place not asked about for this long is given up."),
            new Setting("admission.ticket-ttl", "60s", "How long a join ticket may be used to connect (and reconnect)."),
            new Setting("admission.hls-when-full", "false", "With a cache or CDN in front of the HLS tier: listeners who "
                    + "would wait (or hear \"replay later\") are admitted to the HLS tier at once instead."),
            new Setting("admission.rejoin-grace", "10m", "How long after its ticket expired an admitted listener may "
                    + "rejoin ahead of the waiting room."),
            new Setting("overload.sample-interval", "500ms", "How often the load monitor samples its signals."),
            new Setting("overload.lag-constrained", "50ms", "Event-loop lag from which the node is constrained."),
            new Setting("overload.lag-critical", "250ms", "Event-loop lag from which the node is critical."),
            new Setting("overload.queued-constrained-mib", "64", "MiB queued to listeners' sockets from which the node is constrained."),
            new Setting("overload.queued-critical-mib", "256", "MiB queued to listeners' sockets from which the node is critical."),
            new Setting("overload.heap-constrained-percent", "75", "Heap in use after collection (% of max) from which the node is constrained."),
            new Setting("overload.heap-critical-percent", "90", "Heap in use after collection (% of max) from which the node is critical."),
            new Setting("overload.cpu-constrained-percent", "90", "Process CPU (% of all cores) from which the node is constrained (101 = never)."),
            new Setting("overload.cpu-critical-percent", "101", "Process CPU (% of all cores) from which the node is critical (101 = never)."),
            new Setting("overload.calm", "10s", "How long every signal must stay below a state's thresholds before the node steps down."),
            new Setting("safety.terms-dir", "", "Directory of the terms of service (versions.txt, oldest first, and "
                    + "VERSION.md each); empty = the bundled example terms."),
            new Setting("safety.tdb-url", "", "Base URL of the EU DSA Transparency Database API (statements are "
                    + "submitted to BASE/api/v1/statements); empty = not submitted (export them with stentor tdb export)."),
            new Setting("safety.tdb-token", "", "Bearer token for the Transparency Database API."),
            new Setting("safety.tdb-interval", "10s", "How often queued statements are submitted."),
            new Setting("misuse.window", "180d", "How far back violations and unfounded notices count toward the misuse policies."),
            new Setting("misuse.violations-warn", "2", "Restrictions in the window after which a user is warned (0 = never)."),
            new Setting("misuse.violations-suspend", "3", "Restrictions in the window after which a warned user is suspended (0 = never)."),
            new Setting("misuse.violations-suspension", "7d", "How long a misuse suspension for repeated violations lasts."),
            new Setting("misuse.unfounded-deprioritise", "3", "Manifestly unfounded notices in the window after which a notifier's notices queue last (0 = never)."),
            new Setting("misuse.unfounded-warn", "4", "Manifestly unfounded notices in the window after which a notifier is warned (0 = never)."),
            new Setting("misuse.unfounded-suspend", "5", "Manifestly unfounded notices in the window after which a warned notifier's notices are suspended (0 = never)."),
            new Setting("misuse.unfounded-suspension", "30d", "How long the processing of such a notifier's notices is suspended."),
            new Setting("safety.evidence-retention", "183d", "How long after its decision a notice's evidence (audio) "
                    + "and personal data are kept (the appeal window; longer while an appeal is open)."),
            new Setting("safety.evidence-sweep-interval", "10m", "How often expired evidence is deleted and live "
                    + "ranges still being recorded are captured again."),
            new Setting("safety.evidence-max-mib", "10240", "Most MiB of preserved evidence audio (0: none is kept); beyond, new ranges "
                    + "wait (and are logged) until the retention policy frees room."),
            new Setting("safety.risk-record-audience", "10000", "Expected listeners from which a scheduled space "
                    + "is a large event (DSA Art 34/35): it needs an event risk record with the measures taken, "
                    + "and is flagged to moderators until it has one."),
            new Setting("media.codec", "auto", "Opus implementation: native (bundled libopus), java (Concentus) or auto."),
            new Setting("media.bitrate", "32000", "Bitrate of the mixed stream, bits per second."),
            new Setting("media.jitter-frames", "3", "Frames (20 ms each) buffered per speaker before play-out."),
            new Setting("media.max-concealed-frames", "5", "Lost frames concealed in a row before a speaker counts as silent."),
            new Setting("media.max-packet-bytes", "512", "Largest Opus packet a speaker may send; larger is dropped."),
            new Setting("media.max-behind-frames", "250", "Frames a listener may miss in a row (socket full) before it is disconnected."),
            new Setting("media.max-queued-frames", "10", "Frames that may wait unsent for one listener; beyond that "
                    + "it loses frames, so its delay stays bounded (10 = 200 ms)."),
            new Setting("media.max-frames-per-write", "6", "Most frames the WebSocket fan-out gathers into one socket "
                    + "write when its event loops are busy (1 = never coalesce; 6 = at most 120 ms more latency)."),
            new Setting("media.ogg-page-frames", "5", "Frames per Ogg page on the HTTP stream (5 = a write every 100 ms)."),
            new Setting("media.recorder-page-frames", "25", "Frames per Ogg page in recordings (1-49): a crash loses at most this many plus one, never more than a second."),
            new Setting("media.recordings-dir", "", "Where recordings go; empty means data.dir/recordings."),
            new Setting("media.clock-threads", "0", "Threads running the mixers' 20 ms clocks; 0 means one per CPU."),
            new Setting("role", "origin", "This node's role: origin (mixes live spaces; publishes them on NATS when nats "
                    + "is set) or edge (mixes nothing; relays spaces from NATS to its own listeners)."),
            new Setting("nats", "", "NATS server URL(s), comma-separated (e.g. nats://127.0.0.1:4222); empty = a single "
                    + "node. An edge needs it."),
            new Setting("cluster.subject-prefix", "stentor", "First tokens of every NATS subject this cluster uses; nodes "
                    + "with the same prefix (and NATS) form one cluster."),
            new Setting("cluster.public-url", "", "Base URL listeners reach this edge at (e.g. https://edge1.example.org); "
                    + "empty = http://HOST:PORT of this node (HOST 127.0.0.1 when http.host is 0.0.0.0)."),
            new Setting("cluster.heartbeat-interval", "1s", "How often an edge reports its load (listeners, CPU) to the origin."),
            new Setting("cluster.region", "", "The region this edge serves (e.g. eu-west); listeners who say they are there "
                    + "are placed on its edges first. Empty = any region."),
            new Setting("cluster.edge-timeout", "3s", "An edge silent this long counts as dead: new listeners are sent elsewhere."),
            new Setting("media.hls-segment-frames", "100", "Frames (20 ms each) per HLS segment (100 = 2 s); a multiple of media.hls-part-frames."),
            new Setting("media.hls-part-frames", "25", "Frames per LL-HLS part (25 = 500 ms): the latency step of the HLS tier."),
            new Setting("media.hls-window-segments", "6", "Segments a live HLS playlist lists; twice as many stay fetchable."));

    private Settings() {
    }

    public static Optional<Setting> byKey(String key) {
        return ALL.stream().filter(s -> s.key().equals(key)).findFirst();
    }
}
