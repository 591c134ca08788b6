package io.stentor.media.codec;

/** Test audio: makes sine waves and measures how much of a signal's power sits near one frequency. */
final class ToneMeter {

    private ToneMeter() {
    }

    /** {@code samples} of a sine at {@code hz}, {@code amplitude} a fraction of full scale. */
    static short[] sine(double hz, double amplitude, int samples) {
        short[] pcm = new short[samples];
        for (int i = 0; i < samples; i++) {
            pcm[i] = (short) Math.round(amplitude * 32767 * Math.sin(2 * Math.PI * hz * i / OpusCodec.SAMPLE_RATE));
        }
        return pcm;
    }

    /** A copy of the {@code index}th 20 ms frame of {@code signal}. */
    static short[] frame(short[] signal, int index) {
        short[] frame = new short[OpusCodec.FRAME_SAMPLES];
        System.arraycopy(signal, index * OpusCodec.FRAME_SAMPLES, frame, 0, OpusCodec.FRAME_SAMPLES);
        return frame;
    }

    static double rms(short[] signal, int from, int to) {
        double sum = 0;
        for (int i = from; i < to; i++) {
            sum += (double) signal[i] * signal[i];
        }
        return Math.sqrt(sum / (to - from));
    }

    /**
     * The share of the power of {@code signal[from, to)} (Hann-windowed) that lies within
     * {@code halfWidthHz} of {@code hz}: Goertzel filters at every DFT bin in the band, against the
     * total power by Parseval. 1.0 for a pure tone, ~0 for silence or noise.
     */
    static double powerFractionNear(short[] signal, int from, int to, double hz, double halfWidthHz) {
        int n = to - from;
        double[] x = new double[n];
        double total = 0;
        for (int i = 0; i < n; i++) {
            double hann = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / (n - 1));
            x[i] = hann * signal[from + i];
            total += x[i] * x[i];
        }
        if (total == 0) {
            return 0;
        }
        double binHz = (double) OpusCodec.SAMPLE_RATE / n;
        int lo = (int) Math.ceil((hz - halfWidthHz) / binHz);
        int hi = (int) Math.floor((hz + halfWidthHz) / binHz);
        double band = 0;
        for (int k = lo; k <= hi; k++) {
            band += goertzelPower(x, k);
        }
        // Positive and negative frequencies each hold the band's power: 2 * sum|X_k|^2 / N.
        return 2 * band / n / total;
    }

    /** |X_k|^2 of the DFT of {@code x} at bin {@code k}. */
    private static double goertzelPower(double[] x, int k) {
        double coeff = 2 * Math.cos(2 * Math.PI * k / x.length);
        double s1 = 0;
        double s2 = 0;
        for (double v : x) {
            double s = v + coeff * s1 - s2;
            s2 = s1;
            s1 = s;
        }
        return s1 * s1 + s2 * s2 - coeff * s1 * s2;
    }
}
