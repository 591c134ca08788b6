package io.stentor.media.codec;

import java.util.Objects;

/**
 * Checks a received Opus packet before anything decodes it, so ingest drops junk for the price of
 * reading a few header bytes: it parses the TOC byte and the framing of RFC 6716 §3.1–3.2 and
 * accepts only a well-formed mono packet of exactly 20 ms. It does not look inside the frames (only
 * a decoder can), so an accepted packet may still carry noise. Stateless; any thread.
 */
public final class OpusPackets {

    /** RFC 6716 R2: no single frame is longer than this. */
    static final int MAX_FRAME_BYTES = 1275;

    /** Samples at 48 kHz of one frame, by TOC configuration number (RFC 6716 Table 2). */
    private static final int[] FRAME_SAMPLES_BY_CONFIG = {
        480, 960, 1920, 2880, 480, 960, 1920, 2880, 480, 960, 1920, 2880, // SILK NB, MB, WB: 10/20/40/60 ms
        480, 960, 480, 960,                                               // hybrid SWB, FB: 10/20 ms
        120, 240, 480, 960, 120, 240, 480, 960, 120, 240, 480, 960, 120, 240, 480, 960, // CELT: 2.5/5/10/20 ms
    };

    /** RFC 6716 R5: a packet holds at most 120 ms. */
    private static final int MAX_PACKET_SAMPLES = 5760;

    private OpusPackets() {
    }

    /** Samples at 48 kHz of each frame in a packet starting with this TOC byte. */
    public static int samplesPerFrame(byte toc) {
        return FRAME_SAMPLES_BY_CONFIG[(toc & 0xFF) >>> 3];
    }

    /** {@link #check(byte[], int, int, int)} over the whole array. */
    public static OpusPacketVerdict check(byte[] packet, int maxBytes) {
        return check(packet, 0, packet.length, maxBytes);
    }

    /**
     * Decides whether {@code packet[offset, offset + length)} is a packet Stentor will decode. Never
     * throws for any content; throws only if the range lies outside the array.
     */
    public static OpusPacketVerdict check(byte[] packet, int offset, int length, int maxBytes) {
        Objects.checkFromIndexSize(offset, length, packet.length);
        if (length == 0) {
            return OpusPacketVerdict.EMPTY;
        }
        if (length > maxBytes) {
            return OpusPacketVerdict.TOO_LARGE;
        }
        byte toc = packet[offset];
        if ((toc & 0x04) != 0) {
            return OpusPacketVerdict.STEREO;
        }
        int frames = countFrames(packet, offset, length);
        if (frames < 0) {
            return OpusPacketVerdict.MALFORMED;
        }
        return frames * samplesPerFrame(toc) == OpusCodec.FRAME_SAMPLES
                ? OpusPacketVerdict.ACCEPTED
                : OpusPacketVerdict.NOT_20_MS;
    }

    /** The number of frames if the framing obeys RFC 6716 R2–R7, else -1. {@code length >= 1}. */
    private static int countFrames(byte[] p, int offset, int length) {
        int end = offset + length;
        int pos = offset + 1;
        return switch (p[offset] & 0x03) {
            case 0 -> length - 1 <= MAX_FRAME_BYTES ? 1 : -1;
            case 1 -> {
                int payload = length - 1; // R3: two frames of equal size
                yield payload % 2 == 0 && payload / 2 <= MAX_FRAME_BYTES ? 2 : -1;
            }
            case 2 -> {
                int first = frameLength(p, pos, end); // R4: the first length fits, the rest is frame 2
                if (first < 0) {
                    yield -1;
                }
                int rest = end - pos - lengthBytes(first) - first;
                yield rest >= 0 && rest <= MAX_FRAME_BYTES ? 2 : -1;
            }
            default -> countCode3Frames(p, pos, end);
        };
    }

    /** Code 3: a frame count byte, optional padding, then CBR or VBR frames (R5–R7). */
    private static int countCode3Frames(byte[] p, int pos, int end) {
        if (pos >= end) {
            return -1;
        }
        int countByte = p[pos++] & 0xFF;
        boolean vbr = (countByte & 0x80) != 0;
        boolean padded = (countByte & 0x40) != 0;
        int frames = countByte & 0x3F;
        // R5: at least one frame and at most 120 ms in all.
        if (frames == 0 || frames * samplesPerFrame(p[pos - 2]) > MAX_PACKET_SAMPLES) {
            return -1;
        }
        int padding = 0;
        if (padded) {
            // Each length byte of 255 adds 254 bytes and says another length byte follows.
            int b;
            do {
                if (pos >= end) {
                    return -1;
                }
                b = p[pos++] & 0xFF;
                padding += b == 255 ? 254 : b;
            } while (b == 255);
        }
        int available = end - pos - padding; // lengths (VBR) and frame data
        if (available < 0) {
            return -1;
        }
        if (!vbr) {
            // R6: equal frames that exactly fill what is left.
            return available % frames == 0 && available / frames <= MAX_FRAME_BYTES ? frames : -1;
        }
        // R7: M-1 coded lengths, then their frames, then the last frame takes the rest.
        int dataEnd = pos + available;
        int framesBytes = 0;
        for (int i = 0; i < frames - 1; i++) {
            int len = frameLength(p, pos, dataEnd);
            if (len < 0) {
                return -1;
            }
            pos += lengthBytes(len);
            framesBytes += len;
        }
        int last = dataEnd - pos - framesBytes;
        return last >= 0 && last <= MAX_FRAME_BYTES ? frames : -1;
    }

    /** A frame length coded in one or two bytes at {@code pos} (RFC 6716 §3.2.1), or -1 if cut off. */
    private static int frameLength(byte[] p, int pos, int end) {
        if (pos >= end) {
            return -1;
        }
        int b0 = p[pos] & 0xFF;
        if (b0 < 252) {
            return b0;
        }
        if (pos + 1 >= end) {
            return -1;
        }
        return (p[pos + 1] & 0xFF) * 4 + b0;
    }

    private static int lengthBytes(int frameLength) {
        return frameLength < 252 ? 1 : 2;
    }
}
