package io.stentor.media.ogg;

import java.nio.charset.StandardCharsets;

/**
 * The Opus identification header (RFC 7845 §5.1), the packet alone on an Ogg Opus stream's first
 * page: what a decoder must know before the first audio packet. Immutable; any thread may use it.
 *
 * @param version         encapsulation version; 1 today, and readers accept any with major version 0
 * @param channels        output channel count
 * @param preSkip         samples at 48 kHz to discard from the decoder's output at the start
 * @param inputSampleRate sample rate of the original input, informational only (Opus always decodes at 48 kHz)
 * @param outputGain      gain to apply to the output, Q7.8 dB
 * @param mappingFamily   channel mapping family; 0 means one stream, mono or stereo
 */
public record OpusHead(int version, int channels, int preSkip, long inputSampleRate, int outputGain, int mappingFamily) {

    private static final byte[] MAGIC = "OpusHead".getBytes(StandardCharsets.US_ASCII);
    private static final int FAMILY_0_SIZE = 19;

    public OpusHead {
        if (channels < 1 || channels > 255) {
            throw new IllegalArgumentException("channel count must be 1..255, got " + channels);
        }
        if (preSkip < 0 || preSkip > 0xffff) {
            throw new IllegalArgumentException("pre-skip must fit 16 bits, got " + preSkip);
        }
        if (mappingFamily == 0 && channels > 2) {
            throw new IllegalArgumentException("mapping family 0 carries 1 or 2 channels, got " + channels);
        }
    }

    /** The header Stentor writes: one 48 kHz mono stream, no gain. */
    public static OpusHead mono48k(int preSkip) {
        return new OpusHead(1, 1, preSkip, 48_000, 0, 0);
    }

    /** True when the packet begins with the "OpusHead" magic. */
    public static boolean isOpusHead(byte[] packet) {
        return startsWith(packet, MAGIC);
    }

    /**
     * Parses an identification header packet. A mapping table (family other than 0) is checked
     * for length and otherwise not kept: Stentor only plays what family 0 describes.
     *
     * @throws IllegalArgumentException when the packet is not a valid OpusHead
     */
    public static OpusHead parse(byte[] packet) {
        if (!isOpusHead(packet)) {
            throw new IllegalArgumentException("packet does not begin with \"OpusHead\"");
        }
        if (packet.length < FAMILY_0_SIZE) {
            throw new IllegalArgumentException("OpusHead is " + packet.length + " bytes; at least 19 expected");
        }
        int version = packet[8] & 0xff;
        if (version >>> 4 != 0) {
            // RFC 7845 §5.1: a change in the major version (upper four bits) is incompatible
            throw new IllegalArgumentException("unsupported OpusHead version " + version);
        }
        int channels = packet[9] & 0xff;
        int family = packet[18] & 0xff;
        if (family != 0 && packet.length < FAMILY_0_SIZE + 2 + channels) {
            throw new IllegalArgumentException("OpusHead mapping table is truncated");
        }
        return new OpusHead(
                version,
                channels,
                (int) OggPage.getLittleEndian(packet, 10, 2),
                OggPage.getLittleEndian(packet, 12, 4),
                (short) OggPage.getLittleEndian(packet, 16, 2),
                family);
    }

    /** The header as the packet for page 0; family 0 only, as that is all Stentor writes. */
    public byte[] toPacket() {
        if (mappingFamily != 0) {
            throw new IllegalStateException("writing a channel mapping table is not supported (family " + mappingFamily + ")");
        }
        byte[] p = new byte[FAMILY_0_SIZE];
        System.arraycopy(MAGIC, 0, p, 0, MAGIC.length);
        p[8] = (byte) version;
        p[9] = (byte) channels;
        OggPage.putLittleEndian(p, 10, preSkip, 2);
        OggPage.putLittleEndian(p, 12, inputSampleRate, 4);
        OggPage.putLittleEndian(p, 16, outputGain, 2);
        p[18] = (byte) mappingFamily;
        return p;
    }

    static boolean startsWith(byte[] packet, byte[] magic) {
        if (packet.length < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if (packet[i] != magic[i]) {
                return false;
            }
        }
        return true;
    }
}
