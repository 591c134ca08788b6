package io.stentor.media.ogg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Any packets written by {@link OggOpusStream} come back from {@link OggOpusReader} unchanged, with
 * the granule of their page; every page carries a correct CRC; any flipped bit is caught.
 */
class OggRoundTripPropertiesTest {

    /** A generated Opus packet and the samples its TOC promises, worked out from RFC 6716 Table 2. */
    record TestPacket(byte[] data, int samples) {
    }

    @Property
    void packetsComeBackUnchangedWithTheGranuleOfTheirPage(@ForAll("pages") List<List<TestPacket>> pages) throws IOException {
        Recording rec = Recording.read(new ByteArrayInputStream(recording(pages)));

        List<byte[]> expectedData = new ArrayList<>();
        List<Long> expectedGranules = new ArrayList<>();
        List<Integer> expectedSeqs = new ArrayList<>();
        long samples = 0;
        for (int i = 0; i < pages.size(); i++) {
            samples += pages.get(i).stream().mapToLong(TestPacket::samples).sum();
            for (TestPacket p : pages.get(i)) {
                expectedData.add(p.data());
                expectedGranules.add(samples);
                expectedSeqs.add(2 + i);
            }
        }
        assertThat(rec.packetData()).containsExactlyElementsOf(expectedData);
        assertThat(rec.packets()).extracting(OggPacket::granulePosition).containsExactlyElementsOf(expectedGranules);
        assertThat(rec.packets()).extracting(OggPacket::pageSequence).containsExactlyElementsOf(expectedSeqs);
        assertThat(rec.packets()).extracting(OggPacket::endOfStream).containsOnlyOnce(true);
        assertThat(rec.packets().getLast().endOfStream()).isTrue();
        assertThat(rec.head().preSkip()).isEqualTo(312);
    }

    @Property
    void everyPageCarriesTheOggCrcOfItsBytes(@ForAll("pages") List<List<TestPacket>> pages) throws IOException {
        byte[] file = recording(pages);
        List<OggPage> parsed = OggOpusStreamTest.pages(file);

        int offset = 0;
        for (OggPage page : parsed) {
            byte[] raw = java.util.Arrays.copyOfRange(file, offset, offset + page.size());
            int stored = (int) OggPage.getLittleEndian(raw, OggPage.CRC_OFFSET, 4);
            OggPage.putLittleEndian(raw, OggPage.CRC_OFFSET, 0, 4);
            assertThat(bitwiseOggCrc(raw)).as("page " + page.sequence()).isEqualTo(stored);
            offset += page.size();
        }
        assertThat(parsed).hasSize(pages.size() + 2);
        assertThat(offset).isEqualTo(file.length);
    }

    @Property
    void anyFlippedBitIsReported(@ForAll("pages") List<List<TestPacket>> pages, @ForAll @IntRange(min = 0) int where) {
        byte[] file = recording(pages);
        int bit = where % (file.length * 8);
        file[bit / 8] ^= (byte) (1 << (bit % 8));

        assertThatThrownBy(() -> Recording.read(new ByteArrayInputStream(file))).isInstanceOf(IOException.class);
    }

    @Property
    void listenerJoiningAtAnyPageHearsTheRestWithTheSameGranules(
            @ForAll("pages") List<List<TestPacket>> pages, @ForAll @IntRange(min = 0) int where) throws IOException {
        OggOpusStream live = new OggOpusStream(3, 312, new OpusTags("Stentor", List.of()));
        int joinAt = where % pages.size();
        List<byte[]> shared = new ArrayList<>();
        for (List<TestPacket> page : pages) {
            shared.add(live.audioPage(page.stream().map(TestPacket::data).toList(), false));
        }
        ByteArrayOutputStream listener = new ByteArrayOutputStream();
        listener.writeBytes(live.headerPages());
        shared.subList(joinAt, shared.size()).forEach(listener::writeBytes);

        Recording everything = Recording.read(new ByteArrayInputStream(recording(pages)));
        Recording joined = Recording.read(new ByteArrayInputStream(listener.toByteArray()));

        List<OggPacket> heard = everything.packets().stream().filter(p -> p.pageSequence() >= 2 + joinAt).toList();
        assertThat(joined.packetData()).containsExactlyElementsOf(heard.stream().map(OggPacket::data).toList());
        assertThat(joined.packets()).extracting(OggPacket::granulePosition)
                .containsExactlyElementsOf(heard.stream().map(OggPacket::granulePosition).toList());
        assertThat(joined.packets().getFirst().pageSequence()).isEqualTo(2 + joinAt);
    }

    @Property
    void lacingIsFull255ByteSegmentsThenOneShorter(@ForAll @IntRange(max = 255 * 254) int length) {
        OggPage page = OggPage.ofPackets(0, 0, 1, 2, List.of(new byte[length]));

        byte[] lacing = page.lacing();
        for (int i = 0; i < lacing.length - 1; i++) {
            assertThat(lacing[i] & 0xff).isEqualTo(255);
        }
        assertThat(lacing[lacing.length - 1] & 0xff).isLessThan(255);
        assertThat(page.body()).hasSize(length);
        assertThat(page.packetsEnding()).isEqualTo(1);
    }

    @Property
    void opusTagsSurviveTheirRoundTrip(@ForAll String vendor, @ForAll("comments") List<String> comments) {
        OpusTags tags = new OpusTags(vendor, comments);

        assertThat(OpusTags.parse(tags.toPacket())).isEqualTo(tags);
    }

    @Property
    void opusHeadSurvivesItsRoundTrip(@ForAll @IntRange(max = 65535) int preSkip) {
        OpusHead head = OpusHead.mono48k(preSkip);

        assertThat(OpusHead.parse(head.toPacket())).isEqualTo(head);
    }

    @Provide
    Arbitrary<List<List<TestPacket>>> pages() {
        return packet().list().ofMinSize(1).ofMaxSize(12).list().ofMinSize(1).ofMaxSize(25);
    }

    @Provide
    Arbitrary<List<String>> comments() {
        Arbitrary<String> name = Arbitraries.strings().withCharRange(' ', '<').withCharRange('>', '}').ofMinLength(1).ofMaxLength(20);
        return Combinators.combine(name, Arbitraries.strings()).as((n, v) -> n + "=" + v).list().ofMaxSize(8);
    }

    /** 1..1275 bytes, any configuration and frame-count code, never over 120 ms. */
    private Arbitrary<TestPacket> packet() {
        Arbitrary<Integer> config = Arbitraries.integers().between(0, 31);
        Arbitrary<Integer> code = Arbitraries.integers().between(0, 3);
        Arbitrary<Integer> frames = Arbitraries.integers().between(1, 48);
        Arbitrary<byte[]> payload = Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(1273);
        return Combinators.combine(config, code, frames, payload, Arbitraries.of(true, false)).as((cfg, c, m, rest, stereo) -> {
            int frameSamples = OggOpusTocTest.FRAME_TENTHS_MS[cfg] * 48 / 10;
            int toc = cfg << 3 | (stereo ? 4 : 0) | c;
            if (c != 3) {
                byte[] data = new byte[1 + rest.length];
                data[0] = (byte) toc;
                System.arraycopy(rest, 0, data, 1, rest.length);
                return new TestPacket(data, frameSamples * (c == 0 ? 1 : 2));
            }
            int count = 1 + (m - 1) % (OpusToc.MAX_SAMPLES_48K / frameSamples);
            byte[] data = new byte[2 + rest.length];
            data[0] = (byte) toc;
            data[1] = (byte) (rest[0] & 0xc0 | count); // the VBR and padding flags ride along in the top bits
            System.arraycopy(rest, 0, data, 2, rest.length);
            return new TestPacket(data, frameSamples * count);
        });
    }

    private static byte[] recording(List<List<TestPacket>> pages) {
        OggOpusStream ogg = new OggOpusStream(0x0ddba11, 312, new OpusTags("Stentor", List.of("TITLE=Property")));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ogg.headerPages());
        for (int i = 0; i < pages.size(); i++) {
            out.writeBytes(ogg.audioPage(pages.get(i).stream().map(TestPacket::data).toList(), i == pages.size() - 1));
        }
        return out.toByteArray();
    }

    /** The Ogg CRC one bit at a time, straight from its definition, to check the table-driven {@link OggCrc}. */
    private static int bitwiseOggCrc(byte[] data) {
        int crc = 0;
        for (byte b : data) {
            crc ^= (b & 0xff) << 24;
            for (int i = 0; i < 8; i++) {
                crc = (crc & 0x80000000) != 0 ? (crc << 1) ^ 0x04c11db7 : crc << 1;
            }
        }
        return crc;
    }
}
