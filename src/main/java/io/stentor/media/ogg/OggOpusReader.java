package io.stentor.media.ogg;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Reads one Ogg Opus stream (RFC 7845) from a byte stream: its OpusHead and OpusTags headers, then
 * its audio packets in order, reassembled across segments and pages.
 *
 * <p>Strict, because it reads files and checks writers: a damaged page (bad capture pattern or
 * CRC), a missing page, a packet cut off at the end, headers out of place, or a second logical
 * stream (multiplexed or chained) is an {@link IOException} saying which. One jump in page
 * numbers is allowed: between the header pages and the first audio page, where a live listener
 * joined (see {@link OggOpusStream}). The caller owns and closes the input.
 *
 * <p>Not thread-safe; one reader per stream, used by one thread.
 */
public final class OggOpusReader {

    /** Larger packets are refused rather than buffered; OpusTags carrying cover art stays well below. */
    static final int MAX_PACKET_BYTES = 16 << 20;

    private final OggPageReader pages;
    private final int serial;
    private final int firstPageSequence;
    private final OpusHead head;
    private final OpusTags tags;
    private final ArrayDeque<OggPacket> ready = new ArrayDeque<>();
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private int expectedSeq;
    private boolean headersRead;
    private boolean audioStarted;
    private boolean endOfStreamSeen;
    private boolean finished;

    /**
     * Reads the two header packets.
     *
     * @throws IOException when the input is not an Ogg Opus stream or its headers are malformed
     */
    public OggOpusReader(InputStream in) throws IOException {
        this.pages = new OggPageReader(in);
        OggPage first = pages.next().orElseThrow(() -> new IOException("empty input: not an Ogg Opus stream"));
        byte[] lacing = first.lacing();
        if (!first.beginsStream() || first.continued() || first.packetsEnding() != 1
                || lacing.length == 0 || (lacing[lacing.length - 1] & 0xff) == 255) {
            throw new IOException("first Ogg page must begin the stream and hold exactly the OpusHead packet (RFC 7845 §3)");
        }
        if (!OpusHead.isOpusHead(first.body())) {
            throw new IOException("first packet is not OpusHead: not an Ogg Opus stream");
        }
        this.head = parse(() -> OpusHead.parse(first.body()), "OpusHead");
        this.serial = first.serial();
        this.firstPageSequence = first.sequence();
        this.expectedSeq = first.sequence() + 1;
        this.endOfStreamSeen = first.endsStream();

        OggPacket tagsPacket = nextPacket().orElseThrow(() -> new IOException("stream ends before its OpusTags header"));
        if (!OpusTags.isOpusTags(tagsPacket.data())) {
            throw new IOException("second packet is not OpusTags (RFC 7845 §5.2)");
        }
        if (!ready.isEmpty() || partial.size() > 0) {
            throw new IOException("audio data on the page where OpusTags ends; RFC 7845 §3 requires audio to start a new page");
        }
        this.tags = parse(() -> OpusTags.parse(tagsPacket.data()), "OpusTags");
        this.headersRead = true;
    }

    public OpusHead head() {
        return head;
    }

    public OpusTags tags() {
        return tags;
    }

    /** The logical stream's serial number. */
    public int serial() {
        return serial;
    }

    /** Sequence number of the OpusHead page; 0 in any stream libogg-based players will open. */
    public int firstPageSequence() {
        return firstPageSequence;
    }

    /**
     * True once the end-of-stream page has been read. When {@link #nextPacket()} comes back empty,
     * this tells a finished recording from one that was cut off (or a live capture).
     */
    public boolean ended() {
        return endOfStreamSeen;
    }

    /**
     * The next audio packet, or empty after the last one.
     *
     * @throws IOException when the stream is damaged or carries another logical stream
     */
    public Optional<OggPacket> nextPacket() throws IOException {
        while (ready.isEmpty() && !finished) {
            Optional<OggPage> page = pages.next();
            if (page.isEmpty()) {
                if (partial.size() > 0) {
                    throw new IOException("stream ends inside a packet (" + partial.size() + " bytes read of it)");
                }
                finished = true;
            } else {
                take(page.get());
            }
        }
        return Optional.ofNullable(ready.poll());
    }

    /** Checks that the page continues this stream, then queues each packet that ends on it. */
    private void take(OggPage page) throws IOException {
        if (page.serial() != serial || page.beginsStream() || endOfStreamSeen) {
            String found = endOfStreamSeen ? "a page after the end of stream " : "a second logical stream beside stream ";
            throw new IOException("found " + found + Integer.toUnsignedString(serial) + " (page "
                    + Integer.toUnsignedString(page.sequence()) + " of stream " + Integer.toUnsignedString(page.serial())
                    + "): multiplexed or chained Ogg streams are not supported");
        }
        // a live listener's audio starts at whatever page was next when it joined
        boolean firstAudioPage = headersRead && !audioStarted;
        if (page.sequence() != expectedSeq && !firstAudioPage) {
            throw new IOException("page sequence jumps from " + Integer.toUnsignedString(expectedSeq - 1) + " to "
                    + Integer.toUnsignedString(page.sequence()) + ": pages are missing");
        }
        if (page.continued() != (partial.size() > 0)) {
            throw new IOException("page " + Integer.toUnsignedString(page.sequence())
                    + (page.continued() ? " continues a packet that was never begun" : " does not continue the unfinished packet"));
        }
        expectedSeq = page.sequence() + 1;
        audioStarted = headersRead;
        endOfStreamSeen = page.endsStream();

        byte[] lacing = page.lacing();
        byte[] body = page.body();
        int remaining = page.packetsEnding();
        int pos = 0;
        for (byte l : lacing) {
            int len = l & 0xff;
            if (partial.size() + len > MAX_PACKET_BYTES) {
                throw new IOException("packet larger than " + MAX_PACKET_BYTES + " bytes; refusing to buffer it");
            }
            partial.write(body, pos, len);
            pos += len;
            if (len < 255) {
                remaining--;
                ready.add(new OggPacket(partial.toByteArray(), page.granulePosition(), page.sequence(),
                        page.endsStream() && remaining == 0));
                partial.reset();
            }
        }
    }

    private static <T> T parse(Supplier<T> parse, String what) throws IOException {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            throw new IOException("malformed " + what + ": " + e.getMessage(), e);
        }
    }
}
