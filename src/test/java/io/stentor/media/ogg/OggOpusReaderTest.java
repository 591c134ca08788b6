package io.stentor.media.ogg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the strict reader accepts and what it refuses, each refusal saying why. */
class OggOpusReaderTest {

    private static final int SERIAL = 99;
    private static final byte[] HEAD = OpusHead.mono48k(312).toPacket();
    private static final byte[] TAGS = new OpusTags("test", List.of()).toPacket();
    private static final byte[] PACKET = {(byte) 0xf8, 1, 2, 3};

    @Test
    void packetSplitAcrossPagesComesOutWhole() throws IOException {
        byte[] big = new byte[600];
        big[0] = (byte) 0xf8;
        Arrays.fill(big, 1, big.length, (byte) 7);
        // 600 bytes = 255 + 255 + 90: the first page carries two full segments, the next continues with 90
        OggPage first = new OggPage(0, -1, SERIAL, 2, new byte[] {(byte) 255, (byte) 255}, Arrays.copyOfRange(big, 0, 510));
        OggPage second = new OggPage(OggPage.CONTINUED | OggPage.EOS, 960, SERIAL, 3, new byte[] {90}, Arrays.copyOfRange(big, 510, 600));

        Recording rec = Recording.read(stream(headers(), first.toBytes(), second.toBytes()));

        assertThat(rec.packetData()).containsExactly(big);
        assertThat(rec.packets().getFirst().granulePosition()).isEqualTo(960);
        assertThat(rec.packets().getFirst().pageSequence()).isEqualTo(3);
    }

    @Test
    void missingPageMidStreamIsReported() {
        byte[] file = concat(headers(), audio(2, 960), audio(4, 2880));

        assertThatThrownBy(() -> Recording.read(stream(file)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("jumps from 2 to 4");
    }

    @Test
    void jumpBetweenHeadersAndFirstAudioPageIsALiveJoin() throws IOException {
        Recording rec = Recording.read(stream(headers(), audio(500, 480_000), audio(501, 480_960)));

        assertThat(rec.packets()).extracting(OggPacket::pageSequence).containsExactly(500, 501);
        assertThat(rec.packets()).extracting(OggPacket::granulePosition).containsExactly(480_000L, 480_960L);
    }

    @Test
    void secondLogicalStreamIsRefusedAsMultiplexed() {
        byte[] other = OggPage.ofPackets(0, 960, SERIAL + 1, 2, List.of(PACKET)).toBytes();

        assertThatThrownBy(() -> Recording.read(stream(headers(), audio(2, 960), other)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("multiplexed or chained");
    }

    @Test
    void chainedStreamAfterTheEndIsRefused() {
        byte[] ended = OggPage.ofPackets(OggPage.EOS, 960, SERIAL, 2, List.of(PACKET)).toBytes();
        byte[] next = OggPage.ofPackets(OggPage.BOS, 0, SERIAL + 1, 0, List.of(HEAD)).toBytes();

        assertThatThrownBy(() -> Recording.read(stream(headers(), ended, next)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("multiplexed or chained");
    }

    @Test
    void damagedPageIsReportedWithWhereItIs() {
        byte[] file = concat(headers(), audio(2, 960));
        int audioPageStart = headers().length;
        file[file.length - 1] ^= 0x10;

        assertThatThrownBy(() -> Recording.read(stream(file)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("CRC mismatch")
                .hasMessageContaining("at byte " + audioPageStart);
    }

    @Test
    void inputThatIsNotOggIsRefused() {
        assertThatThrownBy(() -> Recording.read(stream("RIFF....WAVEfmt ".repeat(4).getBytes())))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("OggS");
    }

    @Test
    void oggThatIsNotOpusIsRefused() {
        byte[] vorbis = OggPage.ofPackets(OggPage.BOS, 0, SERIAL, 0, List.of("\u0001vorbis....".getBytes())).toBytes();

        assertThatThrownBy(() -> Recording.read(stream(vorbis)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("not an Ogg Opus stream");
    }

    @Test
    void fileCutInsideAPageIsReportedAsTruncated() {
        byte[] file = concat(headers(), audio(2, 960));

        assertThatThrownBy(() -> Recording.read(stream(Arrays.copyOf(file, file.length - 2))))
                .isInstanceOf(EOFException.class)
                .hasMessageContaining("truncated");
    }

    @Test
    void fileCutInsideAPacketThatSpansPagesIsReported() {
        OggPage open = new OggPage(0, -1, SERIAL, 2, new byte[] {(byte) 255}, new byte[255]);

        assertThatThrownBy(() -> Recording.read(stream(headers(), open.toBytes())))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("ends inside a packet");
    }

    @Test
    void audioSharingThePageWhereOpusTagsEndsIsRefused() {
        byte[] tagsAndAudio = OggPage.ofPackets(0, 960, SERIAL, 1, List.of(TAGS, PACKET)).toBytes();
        byte[] head = OggPage.ofPackets(OggPage.BOS, 0, SERIAL, 0, List.of(HEAD)).toBytes();

        assertThatThrownBy(() -> Recording.read(stream(head, tagsAndAudio)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("OpusTags");
    }

    @Test
    void firstPageHoldingMoreThanOpusHeadIsRefused() {
        byte[] crowded = OggPage.ofPackets(OggPage.BOS, 0, SERIAL, 0, List.of(HEAD, TAGS)).toBytes();

        assertThatThrownBy(() -> Recording.read(stream(crowded)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("exactly the OpusHead packet");
    }

    @Test
    void streamWithoutEndOfStreamPageReadsToItsLastPacket() throws IOException {
        Recording rec = Recording.read(stream(headers(), audio(2, 960), audio(3, 1920)));

        assertThat(rec.packets()).hasSize(2);
        assertThat(rec.ended()).isFalse();
    }

    private static byte[] headers() {
        return concat(OggPage.ofPackets(OggPage.BOS, 0, SERIAL, 0, List.of(HEAD)).toBytes(),
                OggPage.ofPackets(0, 0, SERIAL, 1, List.of(TAGS)).toBytes());
    }

    private static byte[] audio(int seq, long granule) {
        return OggPage.ofPackets(0, granule, SERIAL, seq, List.of(PACKET)).toBytes();
    }

    private static ByteArrayInputStream stream(byte[]... parts) {
        return new ByteArrayInputStream(concat(parts));
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
