package io.stentor.cluster;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.stentor.media.MediaWire;

/**
 * The frame message on a space's frames subject: exactly the media message of the WebSocket tier
 * ({@link MediaWire}, source 0 = the mix), so one format is documented and parsed everywhere:
 *
 * <pre>
 * 0  1  kind: 1 = audio      1  1  source: 0 = the mix     2  2  flags: 0
 * 4  4  sequence, the origin mixer's, +1 per 20 ms, wraps  8  8  capture time, µs since the epoch
 * 16 n  one Opus packet (48 kHz, mono, 20 ms)
 * </pre>
 *
 * Stateless; safe from any thread.
 */
final class RelayFrames {

    private RelayFrames() {
    }

    /** The message bytes for one mixed frame. */
    static byte[] encode(int sequence, long captureMicros, byte[] opus, int length) {
        byte[] out = new byte[MediaWire.HEADER_BYTES + length];
        ByteBuf b = Unpooled.wrappedBuffer(out).clear(); // heap wrapper of our own array: nothing to release
        MediaWire.write(b, MediaWire.SOURCE_MIX, sequence, captureMicros, opus, 0, length);
        return out;
    }

    /** The parsed message, or null when it is not a frame. */
    static MediaWire.Packet decode(byte[] data) {
        // heap wrapper of the message's own array: nothing to release
        return MediaWire.parse(Unpooled.wrappedBuffer(data), bad -> {
        });
    }
}
