package io.stentor.event;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A sink that holds messages until {@link #release} and then passes them through. Lets a
 * subscriber subscribe before reading a snapshot and send the snapshot first, without losing the
 * events published in between. Thread-safe.
 */
public final class HeldSink implements EventSink {

    private final Consumer<byte[]> target;
    private List<byte[]> held = new ArrayList<>();

    public HeldSink(Consumer<byte[]> target) {
        this.target = target;
    }

    @Override
    public void deliver(byte[] utf8Json) {
        synchronized (this) {
            if (held != null) {
                held.add(utf8Json);
                return;
            }
        }
        target.accept(utf8Json);
    }

    /** Sends {@code first}, then everything held, then lets messages straight through. */
    public void release(byte[] first) {
        synchronized (this) {
            target.accept(first);
            held.forEach(target);
            held = null;
        }
    }
}
