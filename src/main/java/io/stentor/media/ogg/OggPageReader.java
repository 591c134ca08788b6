package io.stentor.media.ogg;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * Reads Ogg pages one by one from a byte stream, checking each capture pattern, version and CRC.
 * Strict: a damaged page is an {@link IOException} naming the page and its byte offset, never
 * skipped, because its readers are files and tests, where silent resync would hide a broken
 * writer. Not thread-safe; one reader per stream, used by one thread.
 */
public final class OggPageReader {

    private final InputStream in;
    private final byte[] header = new byte[OggPage.HEADER_SIZE];
    private long offset;
    private int pagesRead;

    public OggPageReader(InputStream in) {
        this.in = in;
    }

    /**
     * The next page, or empty at a clean end of stream (between pages).
     *
     * @throws IOException when the stream ends inside a page, or a page is not Ogg or fails its CRC
     */
    public Optional<OggPage> next() throws IOException {
        long pageOffset = offset;
        int first = in.read();
        if (first < 0) {
            return Optional.empty();
        }
        header[0] = (byte) first;
        readFully(header, 1, header.length - 1, pageOffset);
        if (header[0] != 'O' || header[1] != 'g' || header[2] != 'g' || header[3] != 'S') {
            throw new IOException(where(pageOffset) + ": no \"OggS\" capture pattern; not an Ogg stream or not at a page boundary");
        }
        if (header[4] != 0) {
            throw new IOException(where(pageOffset) + ": unsupported Ogg stream structure version " + (header[4] & 0xff));
        }
        byte[] lacing = new byte[header[26] & 0xff];
        readFully(lacing, 0, lacing.length, pageOffset);
        int bodyLength = 0;
        for (byte v : lacing) {
            bodyLength += v & 0xff;
        }
        byte[] body = new byte[bodyLength];
        readFully(body, 0, bodyLength, pageOffset);

        int stored = (int) OggPage.getLittleEndian(header, OggPage.CRC_OFFSET, 4);
        OggPage.putLittleEndian(header, OggPage.CRC_OFFSET, 0, 4);
        int computed = OggCrc.update(OggCrc.update(OggCrc.of(header, 0, header.length), lacing, 0, lacing.length), body, 0, body.length);
        if (stored != computed) {
            throw new IOException(where(pageOffset) + ": CRC mismatch (stored 0x" + Integer.toHexString(stored)
                    + ", computed 0x" + Integer.toHexString(computed) + "); the page is damaged");
        }
        if ((header[5] & ~(OggPage.CONTINUED | OggPage.BOS | OggPage.EOS)) != 0) {
            throw new IOException(where(pageOffset) + ": unknown header type bits 0x" + Integer.toHexString(header[5] & 0xff));
        }
        pagesRead++;
        offset = pageOffset + OggPage.HEADER_SIZE + lacing.length + bodyLength;
        return Optional.of(new OggPage(
                header[5],
                OggPage.getLittleEndian(header, 6, 8),
                (int) OggPage.getLittleEndian(header, 14, 4),
                (int) OggPage.getLittleEndian(header, 18, 4),
                lacing,
                body));
    }

    /** Bytes consumed so far: the offset of the next page. */
    public long offset() {
        return offset;
    }

    private void readFully(byte[] buf, int off, int len, long pageOffset) throws IOException {
        int done = 0;
        while (done < len) {
            int n = in.read(buf, off + done, len - done);
            if (n < 0) {
                throw new EOFException(where(pageOffset) + ": stream ends inside the page (truncated file?)");
            }
            done += n;
        }
    }

    private String where(long pageOffset) {
        return "Ogg page " + pagesRead + " at byte " + pageOffset;
    }
}
