package io.stentor.support;

/** Frequency analysis for tests: how much of a signal's power sits at a given frequency. */
public final class Tones {

    /** Decodes Opus packets (48 kHz mono, 20 ms each) to PCM, one after the other. */
    public static short[] decode(java.util.List<byte[]> packets) {
        short[] pcm = new short[packets.size() * 960];
        try (var dec = io.stentor.media.codec.OpusCodec.select("auto").newDecoder()) {
            short[] frame = new short[960];
            for (int i = 0; i < packets.size(); i++) {
                dec.decode(packets.get(i), 0, packets.get(i).length, frame);
                System.arraycopy(frame, 0, pcm, i * 960, 960);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return pcm;
    }

    private Tones() {
    }

    /** Power at {@code hz} (Goertzel), over samples at 48 kHz. */
    public static double power(short[] pcm, int from, int to, double hz) {
        double w = 2 * Math.PI * hz / 48_000;
        double coeff = 2 * Math.cos(w);
        double s1 = 0;
        double s2 = 0;
        for (int i = from; i < to; i++) {
            double s0 = pcm[i] + coeff * s1 - s2;
            s2 = s1;
            s1 = s0;
        }
        return s1 * s1 + s2 * s2 - coeff * s1 * s2;
    }

    /** Fraction of the power in [from, to) that lies within ±band Hz of {@code hz} (scanning 5 Hz steps). */
    public static double shareAt(short[] pcm, int from, int to, double hz, double band) {
        double near = 0;
        double all = 0;
        for (double f = 50; f < 4000; f += 5) {
            double p = power(pcm, from, to, f);
            all += p;
            if (Math.abs(f - hz) <= band) {
                near += p;
            }
        }
        return all == 0 ? 0 : near / all;
    }

    /** Root-mean-square level, 0..1. */
    public static double rms(short[] pcm, int from, int to) {
        double e = 0;
        for (int i = from; i < to; i++) {
            e += (double) pcm[i] * pcm[i];
        }
        return Math.sqrt(e / Math.max(1, to - from)) / 32768.0;
    }
}
