package io.stentor.media;

/**
 * Turns the sum of several speakers (an int per sample, which can exceed 16 bits) into 16-bit PCM
 * without wrap-around: when the sum would clip, the gain drops at once to fit the frame's peak
 * (no overshoot), then recovers slowly (~0.5 s), ramping within each frame so there are no clicks.
 * Not thread-safe: one per mixer.
 */
public final class Limiter {

    private static final double CEILING = 32_000; // a little headroom under 32767
    private static final double RELEASE_PER_FRAME = 1.04; // ~ +0.34 dB per 20 ms: back to unity in ~0.5 s from -6 dB

    private double gain = 1.0;

    /** Writes {@code in[0..n)} into {@code out}, limited. */
    public void process(int[] in, short[] out, int n) {
        int peak = 0;
        for (int i = 0; i < n; i++) {
            int a = Math.abs(in[i]);
            if (a > peak) {
                peak = a;
            }
        }
        double released = Math.min(1.0, gain * RELEASE_PER_FRAME);
        double target = peak * released > CEILING ? CEILING / peak : released;
        double start = gain;
        double step = (target - start) / n;
        for (int i = 0; i < n; i++) {
            // Attack must hold from the first sample, so use the lower of the ramp and the target.
            double g = target < start ? target : start + step * (i + 1);
            long v = Math.round(in[i] * g);
            out[i] = (short) Math.max(-32768, Math.min(32767, v));
        }
        gain = target;
    }

    public double gain() {
        return gain;
    }
}
