package io.stentor.cluster;

import io.nats.client.Message;
import io.nats.client.MessageHandler;
import io.stentor.media.ListenerOutputs;
import io.stentor.media.MediaWire;

/**
 * One relayed space on an edge: the frames from its NATS subject, checked for gaps in sequence,
 * into the space's listener outputs (the same fan-out and Ogg pager the origin uses). Messages
 * arrive on one dispatcher thread, in order; the counters are read from any thread.
 */
final class EdgeSubscription implements MessageHandler {

    final ListenerOutputs outputs;
    private final RelayCounters counters;
    private final FrameSequence sequence = new FrameSequence();
    private volatile long lastFrameNanos = System.nanoTime();
    private volatile long handedOutNanos = System.nanoTime();
    /** The last HLS request for the space (players hold no connection to count). */
    private volatile long hlsNanos = System.nanoTime() - java.util.concurrent.TimeUnit.HOURS.toNanos(1); // none yet

    EdgeSubscription(ListenerOutputs outputs, RelayCounters counters) {
        this.outputs = outputs;
        this.counters = counters;
    }

    @Override
    public void onMessage(Message msg) {
        long arrival = System.nanoTime();
        MediaWire.Packet p = RelayFrames.decode(msg.getData());
        if (p == null) {
            counters.malformed.increment();
            return;
        }
        counters.received.increment();
        lastFrameNanos = arrival;
        switch (sequence.next(p.sequence())) {
            case GAP -> {
                counters.gaps.increment();
                counters.missing.increment(sequence.missed());
            }
            case RESTART -> counters.restarts.increment();
            default -> {
            }
        }
        outputs.frame(p.sequence(), p.captureMicros(), arrival, p.opus(), p.opus().length);
    }

    /** The outputs, for a listener about to attach: the space counts as wanted from now. */
    ListenerOutputs handOut() {
        handedOutNanos = System.nanoTime();
        return outputs;
    }

    /** The outputs, for an HLS request: the space counts as wanted over HLS from now. */
    ListenerOutputs handOutToHls() {
        hlsNanos = System.nanoTime();
        return outputs;
    }

    /**
     * Whether nobody listens, nor has been handed the outputs, for {@code lingerNanos}, and no HLS
     * request came for {@code hlsLingerNanos}.
     */
    boolean idleFor(long lingerNanos, long hlsLingerNanos, long now) {
        return outputs.listeners() == 0 && now - Math.max(outputs.idleSinceNanos(), handedOutNanos) > lingerNanos
                && now - hlsNanos > hlsLingerNanos;
    }

    /** System.nanoTime() of the last frame (or of the subscription, before any). */
    long lastFrameNanos() {
        return lastFrameNanos;
    }
}
