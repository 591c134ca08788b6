package io.stentor.media.codec;

/** The argument checks every encoder and decoder makes, worded the same way for both codecs. */
final class FrameChecks {

    private FrameChecks() {
    }

    static void requireFrame(short[] pcm) {
        if (pcm.length < OpusCodec.FRAME_SAMPLES) {
            throw new IllegalArgumentException("A PCM frame needs " + OpusCodec.FRAME_SAMPLES
                    + " samples, the array has " + pcm.length);
        }
    }

    static void requirePacketRoom(byte[] out) {
        if (out.length < OpusCodec.MAX_PACKET_BYTES) {
            throw new IllegalArgumentException("An Opus packet buffer needs " + OpusCodec.MAX_PACKET_BYTES
                    + " bytes, the array has " + out.length);
        }
    }

    /** Throws unless {@link OpusPackets#check} accepts the packet, so both codecs refuse the same junk. */
    static void requireDecodable(byte[] packet, int offset, int length) throws OpusFormatException {
        OpusPacketVerdict verdict = OpusPackets.check(packet, offset, length, OpusCodec.MAX_PACKET_BYTES);
        if (!verdict.accepted()) {
            throw new OpusFormatException(verdict, "Opus packet of " + length + " bytes refused: " + verdict);
        }
    }

    static void requireOpen(boolean closed, String what) {
        if (closed) {
            throw new IllegalStateException(what + " is closed");
        }
    }
}
