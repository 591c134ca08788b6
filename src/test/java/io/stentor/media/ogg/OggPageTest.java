package io.stentor.media.ogg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/** Ogg page framing (RFC 3533): lacing, header layout, CRC. */
class OggPageTest {

    @Test
    void packetsShorterThan255BytesTakeOneSegmentOfTheirLength() {
        OggPage page = OggPage.ofPackets(0, 0, 1, 2, List.of(new byte[0], new byte[1], new byte[254]));

        assertThat(page.lacing()).containsExactly(0, 1, (byte) 254);
        assertThat(page.packetsEnding()).isEqualTo(3);
    }

    @Test
    void packetOfExactlyOneSegmentsLengthNeedsATrailingZeroSegment() {
        OggPage page = OggPage.ofPackets(0, 0, 1, 2, List.of(new byte[255], new byte[510]));

        assertThat(page.lacing()).containsExactly((byte) 255, 0, (byte) 255, (byte) 255, 0);
        assertThat(page.packetsEnding()).isEqualTo(2);
    }

    @Test
    void longerPacketIsFullSegmentsThenItsRemainder() {
        OggPage page = OggPage.ofPackets(0, 0, 1, 2, List.of(new byte[1275]));

        assertThat(page.lacing()).containsExactly((byte) 255, (byte) 255, (byte) 255, (byte) 255, (byte) 255, 0);
        assertThat(page.body()).hasSize(1275);
    }

    @Test
    void pageNeedingMoreThan255SegmentsIsRefused() {
        // 1275 bytes is 6 segments: 42 packets fit in 252 segments, 43 would need 258
        List<byte[]> fits = Collections.nCopies(42, new byte[1275]);
        List<byte[]> tooMany = Collections.nCopies(43, new byte[1275]);

        assertThat(OggPage.ofPackets(0, 0, 1, 2, fits).lacing()).hasSize(252);
        assertThatThrownBy(() -> OggPage.ofPackets(0, 0, 1, 2, tooMany))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("258 segments");
    }

    @Test
    void headerFieldsSitAtTheirRfc3533OffsetsLittleEndian() {
        byte[] bytes = OggPage.ofPackets(OggPage.BOS | OggPage.EOS, 0x0102030405060708L, 0x11223344, 0x55667788,
                List.of(new byte[] {42})).toBytes();

        assertThat(new String(bytes, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("OggS");
        assertThat(bytes[4]).isZero();
        assertThat(bytes[5]).isEqualTo((byte) 0x06);
        assertThat(java.util.Arrays.copyOfRange(bytes, 6, 14)).containsExactly(8, 7, 6, 5, 4, 3, 2, 1);
        assertThat(java.util.Arrays.copyOfRange(bytes, 14, 18)).containsExactly(0x44, 0x33, 0x22, 0x11);
        assertThat(java.util.Arrays.copyOfRange(bytes, 18, 22)).containsExactly((byte) 0x88, 0x77, 0x66, 0x55);
        assertThat(bytes[26]).isEqualTo((byte) 1);
        assertThat(bytes[27]).isEqualTo((byte) 1);
        assertThat(bytes[28]).isEqualTo((byte) 42);
        assertThat(bytes).hasSize(29);
    }

    @Test
    void crcIsTheUnreflectedZeroInitPolynomialNotZipCrc32() {
        byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
        CRC32 zip = new CRC32();
        zip.update(check);

        // CRC-32/POSIX (cksum) is the same polynomial and init, with its result inverted: check value 0x765E7680
        assertThat(OggCrc.of(check, 0, check.length)).isEqualTo(~0x765E7680);
        assertThat(OggCrc.of(check, 0, check.length)).isNotEqualTo((int) zip.getValue());
    }

    @Test
    void crcCoversTheWholePageWithItsOwnFieldZeroed() {
        byte[] bytes = OggPage.ofPackets(0, 960, 7, 2, List.of(new byte[] {(byte) 0xf8, 1, 2, 3})).toBytes();
        int stored = (int) OggPage.getLittleEndian(bytes, OggPage.CRC_OFFSET, 4);

        OggPage.putLittleEndian(bytes, OggPage.CRC_OFFSET, 0, 4);

        assertThat(OggCrc.of(bytes, 0, bytes.length)).isEqualTo(stored).isNotZero();
    }

    @Test
    void pageReadBackEqualsThePageWritten() throws Exception {
        OggPage written = OggPage.ofPackets(OggPage.EOS, 123_456_789_012L, -5, 77, List.of(new byte[300], new byte[] {9}));

        OggPage read = new OggPageReader(new ByteArrayInputStream(written.toBytes())).next().orElseThrow();

        assertThat(read).isEqualTo(written);
        assertThat(read.endsStream()).isTrue();
        assertThat(read.serial()).isEqualTo(-5);
    }

    @Test
    void unknownHeaderTypeBitsAreRefused() {
        assertThatThrownBy(() -> OggPage.ofPackets(0x08, 0, 1, 0, List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
