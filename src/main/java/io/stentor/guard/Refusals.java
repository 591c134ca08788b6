package io.stentor.guard;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** The guard's one refusal metric, {@code stentor_guard_refused_total{action}}, so every limit counts alike. */
final class Refusals {

    private Refusals() {
    }

    /** The counter of requests refused for {@code action} (registering it once is idempotent). */
    static Counter counter(MeterRegistry registry, String action) {
        return Counter.builder("stentor.guard.refused").tag("action", action)
                .description("Requests refused by rate limits").register(registry);
    }
}
