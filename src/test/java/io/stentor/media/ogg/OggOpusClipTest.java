package io.stentor.media.ogg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Cutting a time range out of a recording: the packets that overlap it, from granule 0, as a stream of its own. */
class OggOpusClipTest {

    /** A recording of {@code seconds} of 20 ms packets, 25 to a page; packet i carries i in its second byte. */
    static byte[] recording(int seconds, boolean ended) {
        OggOpusStream s = new OggOpusStream(7, 312, new OpusTags("test", List.of("TITLE=clip")));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(s.headerPages());
        int packets = seconds * 50;
        for (int i = 0; i < packets; i += 25) {
            List<byte[]> page = new ArrayList<>();
            for (int j = i; j < i + 25; j++) {
                page.add(new byte[] {(byte) 0xf8, (byte) (j / 256), (byte) j, 0});
            }
            out.writeBytes(s.audioPage(page, ended && i + 25 >= packets));
        }
        return out.toByteArray();
    }

    static List<OggPacket> packets(byte[] ogg) throws Exception {
        OggOpusReader r = new OggOpusReader(new ByteArrayInputStream(ogg));
        List<OggPacket> out = new ArrayList<>();
        for (Optional<OggPacket> p = r.nextPacket(); p.isPresent(); p = r.nextPacket()) {
            out.add(p.get());
        }
        assertThat(r.ended()).isTrue();
        assertThat(r.head().preSkip()).isEqualTo(312);
        assertThat(r.tags().comments()).contains("TITLE=clip");
        return out;
    }

    static int index(OggPacket p) {
        return (p.data()[1] & 0xff) * 256 + (p.data()[2] & 0xff);
    }

    @Test
    void aRangeIsThePacketsThatOverlapItWithGranulesFromZero() throws Exception {
        OggOpusClip.Clip c = OggOpusClip.cut(new ByteArrayInputStream(recording(10, true)), 1010, 3000, 1 << 20).orElseThrow();
        List<OggPacket> got = packets(c.ogg());
        assertThat(index(got.getFirst())).isEqualTo(50); // 1000-1020 ms overlaps 1010
        assertThat(index(got.getLast())).isEqualTo(149);
        assertThat(got).hasSize(100);
        assertThat(got.getFirst().granulePosition()).isEqualTo(50 * 960L); // the first page's 50 packets, counted from 0
        assertThat(got.getLast().granulePosition()).isEqualTo(100 * 960L);
        assertThat(c.fromMs()).isEqualTo(1000);
        assertThat(c.toMs()).isEqualTo(3000);
        assertThat(c.sourceGoesOn()).isTrue();
    }

    @Test
    void theSameRangeIsTheSameBytes() throws Exception {
        byte[] rec = recording(5, true);
        byte[] a = OggOpusClip.cut(new ByteArrayInputStream(rec), 500, 1500, 1 << 20).orElseThrow().ogg();
        byte[] b = OggOpusClip.cut(new ByteArrayInputStream(rec), 500, 1500, 1 << 20).orElseThrow().ogg();
        assertThat(a).isEqualTo(b);
    }

    @Test
    void aRangePastTheEndIsCutShortOrEmpty() throws Exception {
        byte[] rec = recording(4, false);
        OggOpusClip.Clip c = OggOpusClip.cut(new ByteArrayInputStream(rec), 3000, 9000, 1 << 20).orElseThrow();
        assertThat(c.toMs()).isEqualTo(4000);
        assertThat(c.sourceGoesOn()).isFalse();
        assertThat(packets(c.ogg())).hasSize(50);
        assertThat(OggOpusClip.cut(new ByteArrayInputStream(rec), 5000, 6000, 1 << 20)).isEmpty();
    }

    @Test
    void aFileTornByTheWriterEndsTheClipWhereTheLastWholePageEnds() throws Exception {
        byte[] rec = recording(4, false);
        byte[] torn = Arrays.copyOf(rec, rec.length - 10);
        OggOpusClip.Clip c = OggOpusClip.cut(new ByteArrayInputStream(torn), 2000, 9000, 1 << 20).orElseThrow();
        assertThat(c.toMs()).isEqualTo(3500); // the last page (3.5-4.0 s) is incomplete
    }

    @Test
    void aClipLargerThanTheCapIsRefusedAndBadRangesAreRejected() {
        byte[] rec = recording(4, true);
        assertThatThrownBy(() -> OggOpusClip.cut(new ByteArrayInputStream(rec), 0, 4000, 100))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> OggOpusClip.cut(new ByteArrayInputStream(rec), 2000, 1000, 1 << 20))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
