package io.stentor.media.ogg;

/**
 * The CRC-32 that Ogg pages carry (RFC 3533): polynomial 0x04c11db7, MSB first, initial value 0,
 * no final XOR. Not {@link java.util.zip.CRC32}, which is the reflected variant with a different
 * initial value and would produce pages every player rejects. Stateless; any thread may call.
 */
public final class OggCrc {

    private static final int[] TABLE = table();

    private OggCrc() {
    }

    /** The Ogg CRC of {@code len} bytes of {@code data} starting at {@code off}. */
    public static int of(byte[] data, int off, int len) {
        return update(0, data, off, len);
    }

    /** Continues {@code crc} over more bytes, so a page can be checked without copying it into one array. */
    public static int update(int crc, byte[] data, int off, int len) {
        for (int i = off; i < off + len; i++) {
            crc = (crc << 8) ^ TABLE[((crc >>> 24) ^ data[i]) & 0xff];
        }
        return crc;
    }

    private static int[] table() {
        int[] t = new int[256];
        for (int i = 0; i < 256; i++) {
            int r = i << 24;
            for (int bit = 0; bit < 8; bit++) {
                r = (r & 0x80000000) != 0 ? (r << 1) ^ 0x04c11db7 : r << 1;
            }
            t[i] = r;
        }
        return t;
    }
}
