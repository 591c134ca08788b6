package io.stentor.media.ogg;

import java.util.Arrays;
import java.util.List;

/**
 * One Ogg page (RFC 3533 §6): header fields, lacing values and body, and its wire form with the
 * CRC filled in. {@link #ofPackets} lays whole packets onto a page for the writers;
 * {@link OggPageReader} builds pages parsed from a stream. The page shares the arrays it is given
 * rather than copying them: whoever builds a page hands them over and nobody changes them
 * afterwards. Immutable that way, so any thread may read it.
 *
 * @param headerType      flags {@link #CONTINUED}, {@link #BOS} and {@link #EOS}
 * @param granulePosition codec position after the last packet that ends on this page; -1 when none does
 * @param serial          the logical stream this page belongs to
 * @param sequence        page number within the logical stream (unsigned 32 bits on the wire)
 * @param lacing          one lacing value (0..255) per segment; a value below 255 ends a packet
 * @param body            the segments' bytes, back to back
 */
public record OggPage(int headerType, long granulePosition, int serial, int sequence, byte[] lacing, byte[] body) {

    /** The first bytes of this page continue a packet begun on the previous page. */
    public static final int CONTINUED = 0x01;
    /** First page of a logical stream. */
    public static final int BOS = 0x02;
    /** Last page of a logical stream. */
    public static final int EOS = 0x04;

    /** Bytes before the segment table: capture pattern through segment count. */
    public static final int HEADER_SIZE = 27;
    /** Byte offset of the CRC field within a page. */
    public static final int CRC_OFFSET = 22;
    /** An Ogg page holds at most this many segments, so at most 255 * 255 body bytes. */
    public static final int MAX_SEGMENTS = 255;

    public OggPage {
        if ((headerType & ~(CONTINUED | BOS | EOS)) != 0) {
            throw new IllegalArgumentException("unknown Ogg header type bits: 0x" + Integer.toHexString(headerType));
        }
        if (lacing.length > MAX_SEGMENTS) {
            throw new IllegalArgumentException("an Ogg page holds at most 255 segments, got " + lacing.length);
        }
        int expected = 0;
        for (byte v : lacing) {
            expected += v & 0xff;
        }
        if (expected != body.length) {
            throw new IllegalArgumentException("lacing values add up to " + expected + " bytes, body has " + body.length);
        }
    }

    /**
     * A page holding these whole packets, none continued onto another page. Each packet takes
     * {@code len / 255 + 1} segments: full 255-byte segments, then one shorter segment (0 when the
     * length is an exact multiple of 255) that marks where it ends.
     *
     * @throws IllegalArgumentException when the packets need more than 255 segments; this writer
     *                                  does not split packets over pages, and Opus packets never need it
     */
    public static OggPage ofPackets(int headerType, long granulePosition, int serial, int sequence, List<byte[]> packets) {
        int segments = 0;
        int bodyLength = 0;
        for (byte[] p : packets) {
            segments += p.length / 255 + 1;
            bodyLength += p.length;
        }
        if (segments > MAX_SEGMENTS) {
            throw new IllegalArgumentException("packets need " + segments + " segments; an Ogg page holds at most 255");
        }
        byte[] lacing = new byte[segments];
        byte[] body = new byte[bodyLength];
        int seg = 0;
        int pos = 0;
        for (byte[] p : packets) {
            Arrays.fill(lacing, seg, seg + p.length / 255, (byte) 255);
            seg += p.length / 255;
            lacing[seg++] = (byte) (p.length % 255);
            System.arraycopy(p, 0, body, pos, p.length);
            pos += p.length;
        }
        return new OggPage(headerType, granulePosition, serial, sequence, lacing, body);
    }

    public boolean continued() {
        return (headerType & CONTINUED) != 0;
    }

    public boolean beginsStream() {
        return (headerType & BOS) != 0;
    }

    public boolean endsStream() {
        return (headerType & EOS) != 0;
    }

    /** How many packets end on this page (segments shorter than 255 bytes). */
    public int packetsEnding() {
        int n = 0;
        for (byte v : lacing) {
            if ((v & 0xff) < 255) {
                n++;
            }
        }
        return n;
    }

    /** Total length of the page on the wire. */
    public int size() {
        return HEADER_SIZE + lacing.length + body.length;
    }

    /** The page as sent or stored: header, segment table, body, with the CRC computed over all of it. */
    public byte[] toBytes() {
        byte[] out = new byte[size()];
        out[0] = 'O';
        out[1] = 'g';
        out[2] = 'g';
        out[3] = 'S';
        out[4] = 0; // stream structure version
        out[5] = (byte) headerType;
        putLittleEndian(out, 6, granulePosition, 8);
        putLittleEndian(out, 14, serial, 4);
        putLittleEndian(out, 18, sequence, 4);
        // bytes 22..25 stay zero while the CRC is computed over the whole page
        out[26] = (byte) lacing.length;
        System.arraycopy(lacing, 0, out, HEADER_SIZE, lacing.length);
        System.arraycopy(body, 0, out, HEADER_SIZE + lacing.length, body.length);
        putLittleEndian(out, CRC_OFFSET, OggCrc.of(out, 0, out.length), 4);
        return out;
    }

    static void putLittleEndian(byte[] out, int off, long value, int bytes) {
        for (int i = 0; i < bytes; i++) {
            out[off + i] = (byte) (value >>> (8 * i));
        }
    }

    static long getLittleEndian(byte[] in, int off, int bytes) {
        long v = 0;
        for (int i = 0; i < bytes; i++) {
            v |= (in[off + i] & 0xffL) << (8 * i);
        }
        return v;
    }

    // Records compare arrays by reference; a page is a value, so compare its bytes.
    @Override
    public boolean equals(Object o) {
        return o instanceof OggPage p
                && headerType == p.headerType && granulePosition == p.granulePosition
                && serial == p.serial && sequence == p.sequence
                && Arrays.equals(lacing, p.lacing) && Arrays.equals(body, p.body);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * Long.hashCode(granulePosition) + serial) + sequence) + Arrays.hashCode(body);
    }

    @Override
    public String toString() {
        return "OggPage[type=" + headerType + ", granule=" + granulePosition + ", serial=" + Integer.toUnsignedString(serial)
                + ", seq=" + Integer.toUnsignedString(sequence) + ", segments=" + lacing.length + ", bytes=" + body.length + "]";
    }
}
