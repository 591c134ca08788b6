package io.stentor.media;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;

/**
 * Counters for one step of the media path (ingest, jitter, mix, fan-out, recorder): what came in,
 * what went out and what was dropped, by reason. Every step counts through one of these, so no
 * drop is ever silent. Exported as {@code stentor_media_packets_total{stage,outcome}} and
 * {@code stentor_media_dropped_total{stage,reason}}. Thread-safe.
 */
public final class MediaStage {

    private final Counter in;
    private final Counter out;
    private final Map<DropReason, Counter> dropped = new EnumMap<>(DropReason.class);

    public MediaStage(String name, MeterRegistry registry) {
        this.in = Counter.builder("stentor.media.packets").tag("stage", name).tag("outcome", "in").register(registry);
        this.out = Counter.builder("stentor.media.packets").tag("stage", name).tag("outcome", "out").register(registry);
        for (DropReason r : DropReason.values()) {
            dropped.put(r, Counter.builder("stentor.media.dropped").tag("stage", name).tag("reason", r.tag())
                    .register(registry));
        }
    }

    public void in() {
        in.increment();
    }

    public void out() {
        out.increment();
    }

    public void out(int n) {
        out.increment(n);
    }

    public void drop(DropReason reason) {
        dropped.get(reason).increment();
    }

    public void drop(DropReason reason, int n) {
        dropped.get(reason).increment(n);
    }

    public double dropped(DropReason reason) {
        return dropped.get(reason).count();
    }
}
