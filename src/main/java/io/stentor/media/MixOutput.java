package io.stentor.media;

/** Where the mixer puts each encoded frame (this node's listener outputs, the recorder, the cluster relay); called on one thread at a time, once per 20 ms frame. */
@FunctionalInterface
public interface MixOutput {

    /** Goes nowhere (a node that publishes to no cluster). */
    MixOutput NONE = (sequence, captureMicros, arrivalNanos, packet, length) -> {
    };

    /**
     * @param packet the encoded Opus packet, valid only during the call (copy what you keep)
     * @param captureMicros the earliest capture time of the audio in it, or the tick time if nobody spoke
     * @param arrivalNanos System.nanoTime() when that audio reached the server, 0 if nobody spoke
     */
    void frame(int sequence, long captureMicros, long arrivalNanos, byte[] packet, int length);
}
