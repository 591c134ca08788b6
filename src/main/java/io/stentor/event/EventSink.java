package io.stentor.event;

/** Somewhere live events go (one client's WebSocket). Must not block: called while fanning out. */
@FunctionalInterface
public interface EventSink {

    /** Delivers one encoded JSON message; the bytes are shared by every sink and must not be changed. */
    void deliver(byte[] utf8Json);
}
