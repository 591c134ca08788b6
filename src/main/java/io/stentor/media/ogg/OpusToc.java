package io.stentor.media.ogg;

/**
 * How much audio an Opus packet holds, read from its TOC byte (RFC 6716 §3.1) without decoding it;
 * the Ogg writer needs this for granule positions. Stateless; any thread may call.
 */
public final class OpusToc {

    /** RFC 6716 §3.2.5: a packet carries at most 120 ms of audio. */
    public static final int MAX_SAMPLES_48K = 5760;

    private OpusToc() {
    }

    /**
     * Samples at 48 kHz in this packet: frames per packet times samples per frame.
     *
     * @throws IllegalArgumentException when the packet is empty, a code 3 packet lacks its frame
     *                                  count byte, or the packet would hold more than 120 ms
     */
    public static int samples48k(byte[] packet) {
        if (packet.length == 0) {
            throw new IllegalArgumentException("an Opus packet has at least its TOC byte");
        }
        int toc = packet[0] & 0xff;
        int samples = frameCount(packet) * frameSamples48k(toc);
        if (samples > MAX_SAMPLES_48K) {
            throw new IllegalArgumentException("Opus packet of " + samples + " samples exceeds 120 ms");
        }
        return samples;
    }

    /** Samples at 48 kHz in one frame of the configuration the TOC byte names. */
    public static int frameSamples48k(int toc) {
        int config = (toc >>> 3) & 0x1f;
        if (config < 12) {
            // SILK-only: 10, 20, 40, 60 ms
            return switch (config & 3) {
                case 0 -> 480;
                case 1 -> 960;
                case 2 -> 1920;
                default -> 2880;
            };
        }
        if (config < 16) {
            // Hybrid: 10, 20 ms
            return (config & 1) == 0 ? 480 : 960;
        }
        // CELT-only: 2.5, 5, 10, 20 ms
        return 120 << (config & 3);
    }

    /** Frames in the packet: code 0 has one, codes 1 and 2 have two, code 3 says how many in its second byte. */
    public static int frameCount(byte[] packet) {
        return switch (packet[0] & 3) {
            case 0 -> 1;
            case 1, 2 -> 2;
            default -> {
                if (packet.length < 2) {
                    throw new IllegalArgumentException("code 3 Opus packet without its frame count byte");
                }
                int m = packet[1] & 0x3f;
                if (m == 0) {
                    throw new IllegalArgumentException("code 3 Opus packet with zero frames");
                }
                yield m;
            }
        };
    }
}
