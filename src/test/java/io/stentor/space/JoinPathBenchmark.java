package io.stentor.space;

import io.stentor.server.ApiResponse;
import io.stentor.server.Router;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The in-process work of admitting one anonymous listener to a live space, without the network:
 * routing the upgrade request among all of the server's routes, and adding (then removing) the
 * listener in the audience of a space that already has {@code audience} listeners.
 *
 * <pre>bench/jmh.sh JoinPathBenchmark -f 1 -wi 3 -i 5 -w 1s -r 1s</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class JoinPathBenchmark {

    @Param({"1000", "100000"})
    int audience;

    private final Router router = new Router();
    private final Audience crowd = new Audience();
    private final AtomicLong ids = new AtomicLong();

    @Setup
    public void setUp() {
        Router.Handler h = req -> ApiResponse.noContent();
        // The shape of the real route table: ~50 routes, most under /api/v1/spaces/{id}.
        for (String r : new String[] {"", "/start", "/end", "/cancel", "/join", "/leave", "/reactions", "/requests",
                "/invites", "/invites/accept", "/invites/decline", "/blocks", "/follow", "/reschedule", "/replay/publish"}) {
            router.post("/api/v1/spaces/{id}" + r, h);
        }
        for (String r : new String[] {"/api/v1/me", "/api/v1/me/sessions", "/api/v1/spaces", "/api/v1/users/{handle}",
                "/healthz", "/readyz", "/metrics", "/", "/web/{file}", "/spaces/{id}/live.opus", "/spaces/{id}/replay.opus"}) {
            router.get(r, h);
        }
        router.webSocket("/api/v1/spaces/{id}/events", (req, peer) -> null);
        router.webSocket("/api/v1/spaces/{id}/speak", (req, peer) -> null);
        router.webSocket("/api/v1/spaces/{id}/listen", (req, peer) -> null);
        for (int i = 0; i < audience; i++) {
            crowd.hold("space", "media:" + i, "media:" + i);
        }
    }

    @Benchmark
    public void admitAndLeave(Blackhole bh) {
        bh.consume(router.match("GET", "/api/v1/spaces/Ab3dE5gH7jK9mN/listen"));
        String key = StageService.anonymousListener(java.util.Optional.empty(), "media:x" + ids.incrementAndGet());
        bh.consume(crowd.hold("space", key, key));
        bh.consume(crowd.release("space", key, key));
    }
}
