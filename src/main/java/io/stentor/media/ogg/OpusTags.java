package io.stentor.media.ogg;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The Opus comment header (RFC 7845 §5.2), the second packet of an Ogg Opus stream: the encoder's
 * vendor string and user comments such as {@code TITLE=Morning show}. Immutable; any thread may use it.
 *
 * @param vendor   who wrote the stream
 * @param comments {@code NAME=value} pairs, in order
 */
public record OpusTags(String vendor, List<String> comments) {

    private static final byte[] MAGIC = "OpusTags".getBytes(StandardCharsets.US_ASCII);

    public OpusTags {
        comments = List.copyOf(comments);
        for (String c : comments) {
            int eq = c.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("a comment is NAME=value, got \"" + c + "\"");
            }
            for (int i = 0; i < eq; i++) {
                // RFC 7845 §5.2: field names are printable ASCII 0x20..0x7D other than '='
                if (c.charAt(i) < 0x20 || c.charAt(i) > 0x7d) {
                    throw new IllegalArgumentException("comment name has a character outside ASCII 0x20..0x7D: \"" + c + "\"");
                }
            }
        }
    }

    /** True when the packet begins with the "OpusTags" magic. */
    public static boolean isOpusTags(byte[] packet) {
        return OpusHead.startsWith(packet, MAGIC);
    }

    /**
     * Parses a comment header packet; binary data after the comments (RFC 7845 allows it) is ignored.
     *
     * @throws IllegalArgumentException when the packet is not a valid OpusTags
     */
    public static OpusTags parse(byte[] packet) {
        if (!isOpusTags(packet)) {
            throw new IllegalArgumentException("packet does not begin with \"OpusTags\"");
        }
        int[] pos = {MAGIC.length};
        String vendor = string(packet, pos);
        long count = u32(packet, pos);
        // each comment takes at least its 4-byte length, so a count beyond that is a lie
        if (count > (packet.length - pos[0]) / 4) {
            throw new IllegalArgumentException("OpusTags claims " + count + " comments in " + packet.length + " bytes");
        }
        List<String> comments = new ArrayList<>((int) count);
        for (long i = 0; i < count; i++) {
            comments.add(string(packet, pos));
        }
        return new OpusTags(vendor, comments);
    }

    /** The header as the packet for page 1. */
    public byte[] toPacket() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(MAGIC);
        writeString(out, vendor);
        writeU32(out, comments.size());
        for (String c : comments) {
            writeString(out, c);
        }
        return out.toByteArray();
    }

    private static long u32(byte[] p, int[] pos) {
        if (pos[0] + 4 > p.length) {
            throw new IllegalArgumentException("OpusTags is truncated at byte " + pos[0]);
        }
        long v = OggPage.getLittleEndian(p, pos[0], 4);
        pos[0] += 4;
        return v;
    }

    private static String string(byte[] p, int[] pos) {
        long len = u32(p, pos);
        if (len > p.length - pos[0]) {
            throw new IllegalArgumentException("OpusTags string of " + len + " bytes overruns the packet at byte " + pos[0]);
        }
        String s = new String(p, pos[0], (int) len, StandardCharsets.UTF_8);
        pos[0] += (int) len;
        return s;
    }

    private static void writeString(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        writeU32(out, b.length);
        out.writeBytes(b);
    }

    private static void writeU32(ByteArrayOutputStream out, int v) {
        for (int i = 0; i < 4; i++) {
            out.write(v >>> (8 * i));
        }
    }
}
