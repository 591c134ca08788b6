package io.stentor.media.ogg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The shared-page Ogg Opus writer: numbering, granules, headers, and what it refuses. */
class OggOpusStreamTest {

    private static final byte[] CELT_20MS = {(byte) 0xf8, 1, 2, 3};
    private static final byte[] SILK_60MS = {(byte) 0x18, 4, 5};
    private static final byte[] CELT_10MS_X2 = {(byte) 0xf1, 6, 7};

    private final OggOpusStream stream = new OggOpusStream(0x5e17, 312, new OpusTags("Stentor", List.of("TITLE=Town hall")));

    @Test
    void headerPagesAreOpusHeadOnPage0AndOpusTagsOnPage1() throws IOException {
        List<OggPage> pages = pages(stream.headerPages());

        assertThat(pages).extracting(OggPage::sequence).containsExactly(0, 1);
        assertThat(pages).extracting(OggPage::granulePosition).containsExactly(0L, 0L);
        assertThat(pages).extracting(OggPage::headerType).containsExactly(OggPage.BOS, 0);
        assertThat(pages).extracting(OggPage::serial).containsOnly(0x5e17);
        OpusHead head = OpusHead.parse(pages.get(0).body());
        assertThat(head).isEqualTo(new OpusHead(1, 1, 312, 48_000, 0, 0));
        assertThat(OpusTags.parse(pages.get(1).body())).isEqualTo(new OpusTags("Stentor", List.of("TITLE=Town hall")));
    }

    @Test
    void everyListenerGetsTheSameHeaderBytesWhenever() {
        byte[] before = stream.headerPages();
        stream.audioPage(List.of(CELT_20MS), false);

        assertThat(stream.headerPages()).isSameAs(before);
    }

    @Test
    void audioPagesAreNumberedFrom2AndCountSamplesFromTheStart() throws IOException {
        List<OggPage> pages = new ArrayList<>();
        pages.addAll(pages(stream.audioPage(List.of(CELT_20MS), false)));
        pages.addAll(pages(stream.audioPage(List.of(CELT_20MS, CELT_20MS), false)));
        pages.addAll(pages(stream.audioPage(List.of(SILK_60MS, CELT_10MS_X2), true)));

        assertThat(pages).extracting(OggPage::sequence).containsExactly(2, 3, 4);
        assertThat(pages).extracting(OggPage::granulePosition).containsExactly(960L, 2880L, 2880L + 2880 + 960);
        assertThat(pages).extracting(OggPage::endsStream).containsExactly(false, false, true);
        assertThat(stream.nextAudioPageSeq()).isEqualTo(5);
        assertThat(stream.granulePosition()).isEqualTo(6720);
    }

    @Test
    void emptyClosingPageHasNoGranulePosition() throws IOException {
        stream.audioPage(List.of(CELT_20MS), false);

        OggPage last = pages(stream.audioPage(List.of(), true)).getFirst();

        assertThat(last.endsStream()).isTrue();
        assertThat(last.lacing()).isEmpty();
        assertThat(last.granulePosition()).isEqualTo(-1);
        assertThat(stream.granulePosition()).isEqualTo(960);
    }

    @Test
    void emptyPageThatDoesNotEndTheStreamIsRefused() {
        assertThatThrownBy(() -> stream.audioPage(List.of(), false)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusedPageLeavesNumberingAndGranuleAsTheyWere() {
        stream.audioPage(List.of(CELT_20MS), false);

        assertThatThrownBy(() -> stream.audioPage(Collections.nCopies(43, new byte[1275]), false))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> stream.audioPage(List.of(CELT_20MS, new byte[0]), false))
                .isInstanceOf(IllegalArgumentException.class);

        assertThat(stream.nextAudioPageSeq()).isEqualTo(3);
        assertThat(stream.granulePosition()).isEqualTo(960);
    }

    @Test
    void nothingFollowsTheEndOfStream() {
        stream.audioPage(List.of(CELT_20MS), true);

        assertThatThrownBy(() -> stream.audioPage(List.of(CELT_20MS), false)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void tagsTooLargeForOnePageAreRefusedWhenTheStreamIsMade() {
        OpusTags huge = new OpusTags("Stentor", List.of("DESCRIPTION=" + "x".repeat(70_000)));

        assertThatThrownBy(() -> new OggOpusStream(1, 312, huge))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("255");
    }

    @Test
    void recordingReadsBackThroughTheReader() throws IOException {
        java.io.ByteArrayOutputStream file = new java.io.ByteArrayOutputStream();
        file.writeBytes(stream.headerPages());
        file.writeBytes(stream.audioPage(List.of(CELT_20MS, SILK_60MS), false));
        file.writeBytes(stream.audioPage(List.of(CELT_10MS_X2), true));

        Recording rec = Recording.read(new ByteArrayInputStream(file.toByteArray()));

        assertThat(rec.head().preSkip()).isEqualTo(312);
        assertThat(rec.tags().comments()).containsExactly("TITLE=Town hall");
        assertThat(rec.packetData()).containsExactly(CELT_20MS, SILK_60MS, CELT_10MS_X2);
        assertThat(rec.packets()).extracting(OggPacket::granulePosition).containsExactly(3840L, 3840L, 4800L);
        assertThat(rec.packets()).extracting(OggPacket::endOfStream).containsExactly(false, false, true);
        assertThat(rec.ended()).isTrue();
    }

    static List<OggPage> pages(byte[] bytes) throws IOException {
        OggPageReader reader = new OggPageReader(new ByteArrayInputStream(bytes));
        List<OggPage> pages = new ArrayList<>();
        for (Optional<OggPage> p = reader.next(); p.isPresent(); p = reader.next()) {
            pages.add(p.get());
        }
        return pages;
    }
}
