package io.stentor.space;

import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Serialises changes to one space (so two co-hosts accepting at once cannot overfill the stage)
 * while different spaces proceed in parallel. Striped: a fixed number of locks, no per-space memory.
 */
final class SpaceLocks {

    private final ReentrantLock[] stripes = new ReentrantLock[64];

    SpaceLocks() {
        for (int i = 0; i < stripes.length; i++) {
            stripes[i] = new ReentrantLock();
        }
    }

    <T> T with(String spaceId, Supplier<T> work) {
        ReentrantLock lock = stripes[(spaceId.hashCode() & 0x7fffffff) % stripes.length];
        lock.lock();
        try {
            return work.get();
        } finally {
            lock.unlock();
        }
    }
}
