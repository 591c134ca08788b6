package io.stentor.media;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** The small parts of the media path, on their own: jitter buffer, limiter, write coalescing. */
class MixingPartsTest {

    private static byte[] p(int i) {
        return new byte[] {(byte) 0x78, (byte) i};
    }

    @Test
    void theJitterBufferWaitsForItsDepthThenPlaysInOrder() {
        JitterBuffer jb = new JitterBuffer(3, 5);
        jb.offer(10, 0, 0, p(10));
        assertThat(jb.poll()).isEqualTo(JitterBuffer.Poll.IDLE);
        jb.offer(12, 0, 0, p(12));
        jb.offer(11, 0, 0, p(11)); // reordered on the way
        for (int seq = 10; seq <= 12; seq++) {
            assertThat(jb.poll()).isEqualTo(JitterBuffer.Poll.FRAME);
            assertThat(jb.packet()[1]).isEqualTo((byte) seq);
        }
    }

    @Test
    void lostFramesAreConcealedThenTheSpeakerFallsSilentAndLatePacketsAreRefused() {
        JitterBuffer jb = new JitterBuffer(1, 2);
        jb.offer(0, 0, 0, p(0));
        assertThat(jb.poll()).isEqualTo(JitterBuffer.Poll.FRAME);
        assertThat(jb.poll()).isEqualTo(JitterBuffer.Poll.LOST);
        assertThat(jb.poll()).isEqualTo(JitterBuffer.Poll.LOST);
        assertThat(jb.poll()).isEqualTo(JitterBuffer.Poll.IDLE); // stops concealing: silent, costs nothing
        assertThat(jb.offer(0, 0, 0, p(0))).isEqualTo(JitterBuffer.Offer.LATE); // already played
        assertThat(jb.offer(1, 0, 0, p(1))).as("resuming after a pause").isEqualTo(JitterBuffer.Offer.ACCEPTED);
        assertThat(jb.poll()).isEqualTo(JitterBuffer.Poll.FRAME);
        assertThat(jb.offer(5, 0, 0, p(5))).isEqualTo(JitterBuffer.Offer.ACCEPTED);
        assertThat(jb.offer(5, 0, 0, p(5))).isEqualTo(JitterBuffer.Offer.DUPLICATE);
    }

    @Test
    void sequenceNumbersWrapAround() {
        JitterBuffer jb = new JitterBuffer(2, 5);
        jb.offer(Integer.MAX_VALUE, 0, 0, p(1));
        jb.offer(Integer.MIN_VALUE, 0, 0, p(2));
        assertThat(jb.poll()).isEqualTo(JitterBuffer.Poll.FRAME);
        assertThat(jb.packet()[1]).isEqualTo((byte) 1);
        assertThat(jb.poll()).isEqualTo(JitterBuffer.Poll.FRAME);
        assertThat(jb.packet()[1]).isEqualTo((byte) 2);
    }

    @Test
    void aBurstThatBuildsUpDelayIsDrainedBySkippingFrames() {
        JitterBuffer jb = new JitterBuffer(3, 5);
        int seq = 0;
        for (; seq < 10; seq++) { // a sender that stalled, then sent 10 frames at once
            jb.offer(seq, 0, 0, p(seq));
        }
        for (int tick = 0; tick < 300; tick++) { // then real time: one in, one out
            jb.offer(seq, 0, 0, p(seq));
            seq++;
            jb.poll();
        }
        assertThat(jb.buffered()).as("back near the target depth").isLessThanOrEqualTo(4);
        assertThat(jb.skipped()).isBetween(5L, 8L);
    }

    @Test
    void clearingSilencesTheNextTick() {
        JitterBuffer jb = new JitterBuffer(1, 5);
        jb.offer(0, 0, 0, p(0));
        jb.offer(1, 0, 0, p(1));
        jb.clear();
        assertThat(jb.poll()).isEqualTo(JitterBuffer.Poll.IDLE);
    }

    @Property
    void theLimiterNeverWrapsAround(@ForAll @Size(960) int[] sum) {
        int[] loud = new int[960];
        for (int i = 0; i < 960; i++) {
            loud[i] = sum[i] % (13 * 32768); // up to 13 full-scale speakers
        }
        short[] out = new short[960];
        new Limiter().process(loud, out, 960);
        for (int i = 0; i < 960; i++) {
            // Same sign as the input (no wrap-around), never louder than it.
            assertThat(Integer.signum(out[i]) * Integer.signum(loud[i])).isGreaterThanOrEqualTo(0);
            assertThat(Math.abs((int) out[i])).isLessThanOrEqualTo(Math.abs(loud[i]));
        }
    }

    @Test
    void theLimiterLeavesQuietAudioAloneAndRecoversAfterALoudBurst() {
        Limiter l = new Limiter();
        int[] quiet = new int[960];
        java.util.Arrays.fill(quiet, 1000);
        short[] out = new short[960];
        l.process(quiet, out, 960);
        assertThat(out[500]).isEqualTo((short) 1000);
        int[] loud = new int[960];
        java.util.Arrays.fill(loud, 90_000);
        l.process(loud, out, 960);
        assertThat(out[0]).isLessThanOrEqualTo((short) 32_000);
        assertThat(l.gain()).isLessThan(0.4);
        for (int i = 0; i < 100; i++) {
            l.process(quiet, out, 960);
        }
        assertThat(l.gain()).isEqualTo(1.0);
    }

    @Property
    void coalescingRisesToWhatTheLoadNeedsAndFallsOneStepAtATime(@ForAll @IntRange(min = 1, max = 8) int current,
            @ForAll @IntRange(min = 0, max = 100) int loadPercent) {
        double load = loadPercent / 100.0;
        int next = WriteCoalescing.next(current, load, 8);
        assertThat(next).isBetween(1, 8);
        if (load > WriteCoalescing.RAISE_ABOVE && current < 8) {
            assertThat(next).isGreaterThan(current);
            // enough frames per write that the same work would load the loops no more than the aim, unless capped
            assertThat(next == 8 || current * load / next <= WriteCoalescing.AIM).isTrue();
        } else if (load < WriteCoalescing.LOWER_BELOW && current > 1) {
            assertThat(next).isEqualTo(current - 1);
        } else {
            assertThat(next).isEqualTo(current); // the dead band
        }
    }

    @Test
    void aSaturatedFanoutReachesItsCeilingInTwoSteps() {
        int n = WriteCoalescing.next(1, 0.95, 6);
        assertThat(n).isEqualTo(3);
        assertThat(WriteCoalescing.next(n, 0.95, 6)).isEqualTo(6);
    }
}
