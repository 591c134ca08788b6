package io.stentor.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.DefaultEventLoopGroup;
import io.stentor.config.StentorConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The load state follows a measured signal up at once and back down after a calm period; an admin's force wins. */
class LoadMonitorTest {

    static StentorConfig.Overload overload() {
        return new StentorConfig.Overload(Duration.ofMillis(50), Duration.ofMillis(50), Duration.ofMillis(250), 64, 256,
                101, 101, 101, 101, Duration.ofMillis(600));
    }

    @Test
    void aStuckEventLoopMakesTheNodeCriticalAndItStepsDownWhenTheLoopRunsAgain() {
        DefaultEventLoopGroup loops = new DefaultEventLoopGroup(1);
        try (LoadMonitor m = new LoadMonitor(overload(), loops, () -> 0, new SimpleMeterRegistry())) {
            assertThat(m.state()).isEqualTo(GuardState.NORMAL);
            loops.execute(() -> sleep(1500)); // a handler that blocks its loop
            await().atMost(Duration.ofSeconds(2)).until(() -> m.state() == GuardState.CRITICAL);
            assertThat(m.status().reasons()).anyMatch(r -> r.contains("event-loop lag"));
            // Once the loop runs again: one step down after each calm period.
            await().atMost(Duration.ofSeconds(5)).until(() -> m.state() == GuardState.NORMAL);
            m.force(GuardState.CONSTRAINED);
            assertThat(m.state()).isEqualTo(GuardState.CONSTRAINED);
            assertThat(m.status().measured()).isEqualTo("normal");
            m.force(null);
            assertThat(m.state()).isEqualTo(GuardState.NORMAL);
        } finally {
            loops.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    @Test
    void bytesQueuedToListenersRaiseTheState() {
        DefaultEventLoopGroup loops = new DefaultEventLoopGroup(1);
        long[] queued = {0};
        try (LoadMonitor m = new LoadMonitor(overload(), loops, () -> queued[0], new SimpleMeterRegistry())) {
            queued[0] = 100L << 20; // 100 MiB: over the constrained threshold (64), under critical (256)
            await().atMost(Duration.ofSeconds(2)).until(() -> m.state() == GuardState.CONSTRAINED);
            queued[0] = 0;
            await().atMost(Duration.ofSeconds(3)).until(() -> m.state() == GuardState.NORMAL);
        } finally {
            loops.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
