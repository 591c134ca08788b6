package io.stentor.media.ogg;

import java.util.List;

/**
 * Writes one space's Opus packets as an Ogg Opus stream (RFC 7845) in a form many listeners can
 * share: every audio page is built once and the same bytes go to every listener, and the two
 * header pages are built once too.
 *
 * <p>A recording is {@link #headerPages()} (pages 0 and 1), then {@link #audioPage} for pages 2,
 * 3, ... and a last page with {@code endOfStream}. A live listener who joins mid-stream gets the
 * same {@link #headerPages()} and then the shared audio pages from whichever comes next, say page
 * N. Its page numbers jump from 1 to N, which is what Icecast does and what Ogg readers expect of a
 * live stream: libogg reports the jump once as missing data, and opusinfo calls it "normal for live
 * streams". Numbering a joiner's header pages N-2 and N-1 to avoid the jump does not work: libogg
 * starts every logical stream expecting page 0, so its readers see a gap before the OpusHead
 * packet; opusinfo then rejects the stream, and VLC's demuxer makes the same check. The first audio page's granule position,
 * larger than the samples on that page, tells the player the stream starts at an offset (RFC 7845
 * §4); ffmpeg reports it as the start time.
 *
 * <pre>{@code
 * OggOpusStream ogg = new OggOpusStream(serial, 312, new OpusTags("Stentor", List.of("TITLE=Town hall")));
 * byte[] headers = ogg.headerPages();                       // first bytes for every listener, any time
 * // on the space's media thread, every 20 ms:
 * byte[] page = ogg.audioPage(List.of(opusPacket), false);  // the same bytes for all listeners
 * }</pre>
 *
 * <p>Not thread-safe: one per space, driven by the one thread that produces its packets.
 * {@link #headerPages()} and {@link #serial()} never change, so any thread may call them.
 */
public final class OggOpusStream {

    /** Page number of the first audio page of a stream that starts with its headers at page 0. */
    public static final int FIRST_AUDIO_PAGE_SEQ = 2;

    private final int serial;
    private final byte[] headerPages;
    private int nextSeq = FIRST_AUDIO_PAGE_SEQ;
    private long granule;
    private boolean ended;

    /**
     * @param serial  the Ogg logical stream serial number; pick a random one per stream
     * @param preSkip samples at 48 kHz the player drops from the start (the encoder's lookahead, 312 for libopus)
     * @param tags    vendor and comments for the OpusTags header
     * @throws IllegalArgumentException when the tags do not fit on one page
     */
    public OggOpusStream(int serial, int preSkip, OpusTags tags) {
        this.serial = serial;
        // RFC 7845 §3: OpusHead alone on page 0 beginning the stream, OpusTags finishing page 1, both granule 0
        byte[] head = OggPage.ofPackets(OggPage.BOS, 0, serial, 0, List.of(OpusHead.mono48k(preSkip).toPacket())).toBytes();
        byte[] comments = OggPage.ofPackets(0, 0, serial, 1, List.of(tags.toPacket())).toBytes();
        this.headerPages = new byte[head.length + comments.length];
        System.arraycopy(head, 0, headerPages, 0, head.length);
        System.arraycopy(comments, 0, headerPages, head.length, comments.length);
    }

    /**
     * Continues an existing stream (a recording after a restart): the next audio page will carry
     * {@code nextPageSeq} and count samples on from {@code granulePosition}.
     */
    public static OggOpusStream resume(int serial, int preSkip, OpusTags tags, int nextPageSeq, long granulePosition) {
        if (nextPageSeq < FIRST_AUDIO_PAGE_SEQ || granulePosition < 0) {
            throw new IllegalArgumentException("cannot resume at page " + nextPageSeq + ", granule " + granulePosition);
        }
        OggOpusStream s = new OggOpusStream(serial, preSkip, tags);
        s.nextSeq = nextPageSeq;
        s.granule = granulePosition;
        return s;
    }

    public int serial() {
        return serial;
    }

    /**
     * The OpusHead page (page 0, beginning the stream) followed by the OpusTags page (page 1): what
     * every listener and every recording starts with. The same array on every call, shared by all
     * listeners; nobody may modify it.
     */
    public byte[] headerPages() {
        return headerPages;
    }

    /**
     * Page number the next {@link #audioPage} will carry; 2 for a new stream. A fan-out can note
     * it to know which page a joining listener hears first. Overflows, with an exception, after
     * 2^31 pages: over a year of 20 ms pages.
     */
    public int nextAudioPageSeq() {
        return nextSeq;
    }

    /** Samples at 48 kHz written so far, counting from the start of the stream: the last page's granule position. */
    public long granulePosition() {
        return granule;
    }

    /**
     * The next audio page, holding these whole packets. Its granule position is the count of
     * samples up to and including its last packet, each packet's length read from its TOC byte;
     * an empty closing page has none (-1).
     *
     * @param packets     Opus packets in order; empty only for a closing page
     * @param endOfStream mark the page as the stream's last; no page may follow
     * @throws IllegalArgumentException when a packet is not a valid Opus packet, or the packets
     *                                  need more than one page's 255 segments; nothing is written then
     * @throws IllegalStateException    after the end-of-stream page
     */
    public byte[] audioPage(List<byte[]> packets, boolean endOfStream) {
        if (ended) {
            throw new IllegalStateException("the stream has ended; no page may follow its end-of-stream page");
        }
        if (packets.isEmpty() && !endOfStream) {
            throw new IllegalArgumentException("an audio page needs at least one packet (only a closing page may be empty)");
        }
        long pageGranule = granule;
        for (byte[] p : packets) {
            pageGranule += OpusToc.samples48k(p);
        }
        // RFC 3533: a page on which no packet ends carries granule position -1
        long written = packets.isEmpty() ? -1 : pageGranule;
        byte[] page = OggPage.ofPackets(endOfStream ? OggPage.EOS : 0, written, serial, nextSeq, packets).toBytes();
        // advance only once the page exists, so a rejected call leaves the stream as it was
        nextSeq = Math.incrementExact(nextSeq);
        granule = pageGranule;
        ended = endOfStream;
        return page;
    }
}
