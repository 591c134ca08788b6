package io.stentor.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The broadcast delay stage, tick by tick: what airs when, what a cut and a delay change do. */
class BroadcastDelayTest {

    static final byte[] SILENCE = {(byte) 0xf8, (byte) 0xff, (byte) 0xfe};

    record Aired(int sequence, long captureMicros, long arrivalNanos, byte[] packet) {
        /** The frame number a test packet carries, or -1 for silence. */
        int frame() {
            return packet == SILENCE ? -1 : packet[0] << 8 | (packet[1] & 0xff);
        }
    }

    final List<Aired> aired = new ArrayList<>();
    final MediaStage stage = new MediaStage("delay", new SimpleMeterRegistry());
    final BroadcastDelay delay = new BroadcastDelay((seq, cap, arr, p) -> aired.add(new Aired(seq, cap, arr, p)), stage,
            SILENCE);
    int pushed;

    /** Pushes n frames (packet = its number), one per tick. */
    void push(int n) {
        for (int i = 0; i < n; i++) {
            int f = pushed++;
            delay.push(new byte[] {(byte) (f >> 8), (byte) f}, 1_000_000L * f, 1 + f, f * 20L);
        }
    }

    List<Integer> frames() {
        return aired.stream().map(Aired::frame).toList();
    }

    @Test
    void withNoDelayEveryFrameAirsAtOnceAndNothingIsHeld() {
        push(3);
        assertThat(frames()).containsExactly(0, 1, 2);
        assertThat(aired).extracting(Aired::sequence).containsExactly(0, 1, 2);
        assertThat(aired.get(1).arrivalNanos()).isEqualTo(2);
        assertThat(delay.held()).isZero();
        assertThat(delay.cut()).isNull();
    }

    @Test
    void aDelayHoldsEachFrameExactlyThatManyTicksAndSilenceAirsMeanwhile() {
        delay.delayFrames(5);
        push(12);
        // One frame airs per tick: five of silence while the delay fills, then frame 0 five ticks late.
        assertThat(frames()).containsExactly(-1, -1, -1, -1, -1, 0, 1, 2, 3, 4, 5, 6);
        assertThat(aired).extracting(Aired::sequence).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
        assertThat(delay.held()).isEqualTo(5);
        // Capture times are kept (clients' latency includes the delay); arrival moves on by the hold.
        assertThat(aired.get(5).captureMicros()).isZero();
        assertThat(aired.get(5).arrivalNanos()).as("moved on by the time held").isGreaterThanOrEqualTo(1);
    }

    @Test
    void raisingTheDelayHoldsForTheDifferenceAndLoweringItSkipsAhead() {
        delay.delayFrames(2);
        push(5); // airs -, -, 0, 1, 2
        delay.delayFrames(5);
        push(4); // a hold of three ticks, then frame 3 (pushed at tick 3) at tick 8
        assertThat(frames()).containsExactly(-1, -1, 0, 1, 2, -1, -1, -1, 3);
        delay.delayFrames(1);
        push(2); // tick 9: frames 4..7 overdue are skipped, 8 airs; tick 10: 9
        assertThat(frames().subList(9, 11)).containsExactly(8, 9);
        assertThat(stage.dropped(DropReason.SKIPPED)).isEqualTo(4);
        delay.delayFrames(0);
        push(1); // back to pass-through: the held frame 10 is skipped, 11 airs at once
        assertThat(frames().get(11)).isEqualTo(11);
        assertThat(delay.held()).isZero();
    }

    @Test
    void aCutDropsEveryHeldFrameAndSilenceAirsInItsPlace() {
        delay.delayFrames(10);
        push(15); // frames 0..4 aired, 5..14 held
        BroadcastCut cut = delay.cut();
        assertThat(cut).isEqualTo(new BroadcastCut(100, 300, 10));
        assertThat(delay.cut()).as("nothing left to cut").isNull();
        push(12);
        // Ticks 15..24 air silence where 5..14 would have been; then audio continues with 15.
        assertThat(frames().subList(15, 27)).containsExactly(-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 15, 16);
        assertThat(aired.get(15).arrivalNanos()).as("cut frames are not counted as server latency").isZero();
        assertThat(stage.dropped(DropReason.CUT)).isEqualTo(10);
        assertThat(aired).extracting(Aired::sequence).doesNotHaveDuplicates();
    }

    @Test
    void theLongestDelayHoldsThirtySecondsAndNoMore() {
        delay.delayFrames(BroadcastDelay.CAPACITY);
        push(BroadcastDelay.CAPACITY + 2);
        assertThat(delay.held()).isEqualTo(BroadcastDelay.CAPACITY);
        assertThat(frames().get(BroadcastDelay.CAPACITY)).isZero();
        assertThat(frames().get(BroadcastDelay.CAPACITY + 1)).isEqualTo(1);
        assertThatThrownBy(() -> delay.delayFrames(BroadcastDelay.CAPACITY + 1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(BroadcastDelay.CAPACITY).isEqualTo(1500);
    }
}
