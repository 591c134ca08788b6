package io.stentor.media.hls;

import java.util.List;

/**
 * Opus in fragmented MP4 (CMAF), as "Encapsulation of Opus in ISO Base Media File Format" (v0.6.8)
 * and ISO/IEC 14496-12 describe it: an init segment whose single audio track has an {@code Opus}
 * sample entry with its {@code dOps} box, and fragments ({@code moof} + {@code mdat}) of 20 ms
 * Opus packets, one sample each, on a 48 kHz timescale. Stateless; any thread.
 */
public final class CmafWriter {

    /** Samples per 20 ms Opus frame at 48 kHz: each sample's duration. */
    public static final int FRAME_SAMPLES = 960;
    static final int TIMESCALE = 48_000;
    private static final int TRACK_ID = 1;

    private CmafWriter() {
    }

    /**
     * The init segment: {@code ftyp} and a {@code moov} announcing one Opus track and that its
     * samples come in fragments ({@code mvex}).
     *
     * @param channels output channels (1 or 2; channel mapping family 0)
     * @param preSkip  samples the decoder discards at the start of the stream (the encoder's lookahead)
     */
    public static byte[] initSegment(int channels, int preSkip) {
        BoxWriter w = new BoxWriter(700);
        int ftyp = w.open("ftyp");
        w.fourCc("iso6").u32(0).fourCc("iso6").fourCc("cmfc").fourCc("mp41");
        w.close(ftyp);
        int moov = w.open("moov");
        int mvhd = w.openFull("mvhd", 0, 0);
        w.u32(0).u32(0).u32(TIMESCALE).u32(0) // created, modified, timescale, duration (unknown: fragmented)
                .u32(0x00010000).u16(0x0100).zeros(10).unityMatrix().zeros(24).u32(TRACK_ID + 1);
        w.close(mvhd);
        int trak = w.open("trak");
        int tkhd = w.openFull("tkhd", 0, 0x000003); // enabled, in movie
        w.u32(0).u32(0).u32(TRACK_ID).u32(0).u32(0) // created, modified, track, reserved, duration
                .zeros(8).u16(0).u16(1).u16(0x0100).u16(0) // layer, alternate group, volume (full), reserved
                .unityMatrix().u32(0).u32(0); // width, height: audio
        w.close(tkhd);
        int mdia = w.open("mdia");
        int mdhd = w.openFull("mdhd", 0, 0);
        w.u32(0).u32(0).u32(TIMESCALE).u32(0).u16(0x55c4).u16(0); // language "und"
        w.close(mdhd);
        int hdlr = w.openFull("hdlr", 0, 0);
        w.u32(0).fourCc("soun").zeros(12).fourCc("Stentor audio").u8(0);
        w.close(hdlr);
        int minf = w.open("minf");
        int smhd = w.openFull("smhd", 0, 0);
        w.u16(0).u16(0);
        w.close(smhd);
        int dinf = w.open("dinf");
        int dref = w.openFull("dref", 0, 0);
        w.u32(1);
        w.close(w.openFull("url ", 0, 1)); // media data in this file
        w.close(dref);
        w.close(dinf);
        int stbl = w.open("stbl");
        int stsd = w.openFull("stsd", 0, 0);
        w.u32(1);
        opusSampleEntry(w, channels, preSkip);
        w.close(stsd);
        // No samples in the init segment: every table is empty, the fragments carry them.
        for (String table : new String[] {"stts", "stsc", "stco"}) {
            int t = w.openFull(table, 0, 0);
            w.u32(0); // entry count
            w.close(t);
        }
        int stsz = w.openFull("stsz", 0, 0);
        w.u32(0).u32(0); // sample size (varies), sample count
        w.close(stsz);
        w.close(stbl);
        w.close(minf);
        w.close(mdia);
        w.close(trak);
        int mvex = w.open("mvex");
        int trex = w.openFull("trex", 0, 0);
        w.u32(TRACK_ID).u32(1).u32(FRAME_SAMPLES).u32(0).u32(0); // description 1, 960 samples each, sync samples
        w.close(trex);
        w.close(mvex);
        w.close(moov);
        return w.toByteArray();
    }

    /**
     * The {@code Opus} sample entry (an AudioSampleEntry) and its {@code dOps} box. dOps holds
     * OpusHead's fields without the magic, big-endian (OpusHead is little-endian).
     */
    private static void opusSampleEntry(BoxWriter w, int channels, int preSkip) {
        int entry = w.open("Opus");
        w.zeros(6).u16(1); // reserved, data_reference_index
        w.zeros(8).u16(channels).u16(16).u16(0).u16(0).u32((long) TIMESCALE << 16);
        int dops = w.open("dOps");
        w.u8(0).u8(channels).u16(preSkip).u32(TIMESCALE).u16(0).u8(0); // version, channels, pre-skip, rate, gain, family 0
        w.close(dops);
        w.close(entry);
    }

    /**
     * One fragment: {@code moof} (sequence number, base decode time, each sample's size) and
     * {@code mdat} with the packets {@code packets[from, to)} back to back.
     *
     * @param sequenceNumber   the fragment's number, increasing through the stream (from 1)
     * @param baseDecodeTime   the first packet's decode time in 48 kHz samples
     */
    public static byte[] fragment(long sequenceNumber, long baseDecodeTime, List<byte[]> packets, int from, int to) {
        int n = to - from;
        int payload = 0;
        for (int i = from; i < to; i++) {
            payload += packets.get(i).length;
        }
        BoxWriter w = new BoxWriter(100 + 4 * n + payload);
        int moof = w.open("moof");
        int mfhd = w.openFull("mfhd", 0, 0);
        w.u32(sequenceNumber);
        w.close(mfhd);
        int traf = w.open("traf");
        int tfhd = w.openFull("tfhd", 0, 0x020008); // default-base-is-moof, default sample duration
        w.u32(TRACK_ID).u32(FRAME_SAMPLES);
        w.close(tfhd);
        int tfdt = w.openFull("tfdt", 1, 0);
        w.u64(baseDecodeTime);
        w.close(tfdt);
        int trun = w.openFull("trun", 0, 0x000201); // data offset, sample sizes
        w.u32(n);
        int dataOffset = w.position();
        w.u32(0);
        for (int i = from; i < to; i++) {
            w.u32(packets.get(i).length);
        }
        w.close(trun);
        w.close(traf);
        w.close(moof);
        w.patchU32(dataOffset, w.position() - moof + 8); // from the moof's first byte to the first sample
        int mdat = w.open("mdat");
        for (int i = from; i < to; i++) {
            w.bytes(packets.get(i));
        }
        w.close(mdat);
        return w.toByteArray();
    }
}
