package io.stentor.media.hls;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** The boxes CmafWriter writes, read back: the Opus sample entry and dOps, and fragments whose offsets point at their packets. */
class CmafWriterTest {

    /** A box found in a file: type, where its body starts, and how long that is. */
    record Box(String type, int body, int length) {
    }

    @Test
    void theInitSegmentHasAnOpusSampleEntryWithItsDOpsBox() {
        byte[] init = CmafWriter.initSegment(1, 312);
        ByteBuffer b = ByteBuffer.wrap(init);
        assertThat(types(init, 0, init.length)).containsExactly("ftyp", "moov");
        Box stsd = find(init, "moov", "trak", "mdia", "minf", "stbl", "stsd");
        Box opus = children(init, stsd.body() + 8, stsd.body() + stsd.length()).get(0); // after version/flags and count
        assertThat(opus.type()).isEqualTo("Opus");
        assertThat(b.getShort(opus.body() + 16)).as("channels").isEqualTo((short) 1);
        assertThat(b.getShort(opus.body() + 18)).as("sample size").isEqualTo((short) 16);
        assertThat(b.getInt(opus.body() + 24) >>> 16).as("sample rate").isEqualTo(48_000);
        Box dops = children(init, opus.body() + 28, opus.body() + opus.length()).get(0);
        assertThat(dops.type()).isEqualTo("dOps");
        assertThat(Arrays.copyOfRange(init, dops.body(), dops.body() + dops.length()))
                .as("version 0, 1 channel, pre-skip 312, 48000 Hz, gain 0, family 0 (big-endian)")
                .containsExactly(0, 1, 0x01, 0x38, 0, 0, 0xbb, 0x80, 0, 0, 0);
        Box mdhd = find(init, "moov", "trak", "mdia", "mdhd");
        assertThat(b.getInt(mdhd.body() + 12)).as("timescale").isEqualTo(48_000);
        Box trex = find(init, "moov", "mvex", "trex");
        assertThat(b.getInt(trex.body() + 12)).as("default sample duration").isEqualTo(960);
    }

    @Property(tries = 200)
    void aFragmentsOffsetsAndSizesPointAtItsPackets(@ForAll @Size(min = 1, max = 100) List<@Size(min = 1, max = 1275) byte[]> packets,
            @ForAll @IntRange(min = 0, max = 1_000_000) int msn) {
        byte[] f = CmafWriter.fragment(msn + 1, msn * 96_000L, packets, 0, packets.size());
        ByteBuffer b = ByteBuffer.wrap(f);
        assertThat(types(f, 0, f.length)).containsExactly("moof", "mdat");
        assertThat(b.getInt(find(f, "moof", "mfhd").body() + 4)).isEqualTo(msn + 1);
        assertThat(b.getLong(find(f, "moof", "traf", "tfdt").body() + 4)).isEqualTo(msn * 96_000L);
        Box trun = find(f, "moof", "traf", "trun");
        assertThat(b.getInt(trun.body() + 4)).as("sample count").isEqualTo(packets.size());
        int at = b.getInt(trun.body() + 8); // data offset, from the start of moof
        Box mdat = find(f, "mdat");
        assertThat(at).isEqualTo(mdat.body());
        for (int i = 0; i < packets.size(); i++) {
            int size = b.getInt(trun.body() + 12 + 4 * i);
            assertThat(Arrays.copyOfRange(f, at, at + size)).isEqualTo(packets.get(i));
            at += size;
        }
        assertThat(at).isEqualTo(f.length);
    }

    private static Box find(byte[] file, String... path) {
        int from = 0;
        int to = file.length;
        Box found = null;
        for (String type : path) {
            found = children(file, from, to).stream().filter(c -> c.type().equals(type)).findFirst()
                    .orElseThrow(() -> new AssertionError("no " + type + " in " + String.join("/", path)));
            from = found.body() + (isFull(type) ? 4 : 0);
            to = found.body() + found.length();
        }
        return found;
    }

    private static boolean isFull(String type) {
        return List.of("dref", "stsd").contains(type);
    }

    private static List<String> types(byte[] file, int from, int to) {
        return children(file, from, to).stream().map(Box::type).toList();
    }

    private static List<Box> children(byte[] file, int from, int to) {
        List<Box> out = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(file);
        for (int at = from; at < to; ) {
            int size = b.getInt(at);
            assertThat(size).as("box size at %d", at).isBetween(8, to - at);
            out.add(new Box(new String(file, at + 4, 4, java.nio.charset.StandardCharsets.US_ASCII), at + 8, size - 8));
            at += size;
        }
        return out;
    }
}
