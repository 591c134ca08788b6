package io.stentor.media;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * The binary media message, one per WebSocket message, both directions (docs/PROTOCOL.md):
 *
 * <pre>
 * offset size  field
 * 0      1     kind: 1 = audio
 * 1      1     source: 0 = the space's mix; 1..255 = a speaker's slot (forwarded speaker packets)
 * 2      2     flags, reserved: 0
 * 4      4     sequence number, unsigned, +1 per 20 ms frame of this source, wraps
 * 8      8     capture time, microseconds since the Unix epoch (signed)
 * 16     n     one Opus packet: 48 kHz, mono, 20 ms
 * </pre>
 *
 * All integers are big-endian. Stateless; safe from any thread.
 */
public final class MediaWire {

    public static final int HEADER_BYTES = 16;
    public static final byte KIND_AUDIO = 1;
    public static final byte SOURCE_MIX = 0;

    private MediaWire() {
    }

    /** A parsed speaker message; the Opus bytes are copied out of the network buffer. */
    public record Packet(int sequence, long captureMicros, byte[] opus) {
    }

    /** Why a message could not be parsed. */
    public enum Malformed { TOO_SHORT, UNKNOWN_KIND }

    /** Parses a message, or returns null and reports why through {@code onBad}. */
    public static Packet parse(ByteBuf in, java.util.function.Consumer<Malformed> onBad) {
        if (in.readableBytes() <= HEADER_BYTES) {
            onBad.accept(Malformed.TOO_SHORT);
            return null;
        }
        int base = in.readerIndex();
        if (in.getByte(base) != KIND_AUDIO) {
            onBad.accept(Malformed.UNKNOWN_KIND);
            return null;
        }
        int seq = in.getInt(base + 4);
        long capture = in.getLong(base + 8);
        byte[] opus = new byte[in.readableBytes() - HEADER_BYTES];
        in.getBytes(base + HEADER_BYTES, opus);
        return new Packet(seq, capture, opus);
    }

    /** Writes header and packet into {@code out}. */
    public static void write(ByteBuf out, int source, int sequence, long captureMicros, byte[] opus, int offset, int length) {
        out.writeByte(KIND_AUDIO).writeByte(source).writeShort(0).writeInt(sequence).writeLong(captureMicros)
                .writeBytes(opus, offset, length);
    }

    /**
     * One complete, unmasked WebSocket binary frame carrying a media message. Server frames are
     * never masked, so these bytes are identical for every receiver and can be shared.
     */
    public static ByteBuf webSocketFrame(ByteBufAllocator alloc, int source, int sequence, long captureMicros,
            byte[] opus, int offset, int length) {
        int payload = HEADER_BYTES + length;
        ByteBuf out = alloc.directBuffer(payload + 4);
        out.writeByte(0x82); // FIN + binary
        if (payload < 126) {
            out.writeByte(payload);
        } else {
            out.writeByte(126).writeShort(payload);
        }
        write(out, source, sequence, captureMicros, opus, offset, length);
        return out;
    }
}
