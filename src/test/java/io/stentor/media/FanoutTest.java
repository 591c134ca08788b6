package io.stentor.media;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The fan-out on in-memory channels: what each listener receives, write by write, when frames are
 * sent one per write and when they are coalesced.
 */
class FanoutTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MediaStage stage = new MediaStage("test", registry);
    private final Timer latency = Timer.builder("latency").register(registry);

    private Fanout fanout(int framesPerWrite) {
        return new Fanout(stage, latency, () -> { }, 250, 10, new WriteCoalescing(framesPerWrite, framesPerWrite), null,
                null);
    }

    private static ByteBuf frame(int i) {
        return ByteBufAllocator.DEFAULT.directBuffer().writeBytes(("frame" + i + ";").getBytes(StandardCharsets.US_ASCII));
    }

    /** Each write the channel received, as text; every buffer released once read. */
    private static List<String> writes(EmbeddedChannel ch) {
        ch.runPendingTasks();
        List<String> out = new ArrayList<>();
        for (Object m; (m = ch.readOutbound()) != null; ) {
            ByteBuf b = (ByteBuf) m;
            out.add(b.toString(StandardCharsets.US_ASCII));
            b.release();
        }
        return out;
    }

    @Test
    void oneFramePerWriteReachesEveryListenerAtOnce() {
        Fanout f = fanout(1);
        EmbeddedChannel a = new EmbeddedChannel(), b = new EmbeddedChannel();
        f.add(a, () -> { });
        f.add(b, () -> { });
        a.runPendingTasks();
        b.runPendingTasks();
        for (int i = 0; i < 3; i++) {
            f.publish(frame(i), i, System.nanoTime());
        }
        assertThat(writes(a)).containsExactly("frame0;", "frame1;", "frame2;");
        assertThat(writes(b)).containsExactly("frame0;", "frame1;", "frame2;");
        assertThat(latency.count()).as("a latency sample per frame on each listener's loop").isEqualTo(6);
    }

    @Test
    void coalescedFramesGoOutAsOneWriteInOrderAndTheRestBeforeTheGoodbye() {
        Fanout f = fanout(4);
        EmbeddedChannel a = new EmbeddedChannel();
        f.add(a, () -> { });
        a.runPendingTasks();
        for (int i = 1; i <= 10; i++) { // flushes at 4 and 8; 9 and 10 wait for the next write
            f.publish(frame(i), i, System.nanoTime());
        }
        assertThat(writes(a)).containsExactly("frame1;frame2;frame3;frame4;", "frame5;frame6;frame7;frame8;");
        assertThat(latency.count()).as("a sample per frame written").isEqualTo(8);
        f.closeAll(() -> Unpooled.copiedBuffer("bye", StandardCharsets.US_ASCII));
        assertThat(writes(a)).containsExactly("frame9;frame10;", "bye");
        assertThat(stage.dropped(DropReason.SLOW_LISTENER)).isZero();
    }

    @Test
    void aListenerThatCannotTakeABatchLosesAllItsFramesAndIsCountedPerFrame() {
        Fanout f = fanout(2);
        EmbeddedChannel slow = new EmbeddedChannel();
        f.add(slow, () -> { });
        slow.runPendingTasks();
        slow.config().setWriteBufferWaterMark(new io.netty.channel.WriteBufferWaterMark(1, 2));
        slow.write(Unpooled.copiedBuffer("unsent", StandardCharsets.US_ASCII)); // queued, not flushed: not writable
        assertThat(slow.isWritable()).isFalse();
        f.publish(frame(1), 1, 0);
        f.publish(frame(2), 2, 0);
        slow.runPendingTasks();
        assertThat(stage.dropped(DropReason.SLOW_LISTENER)).isEqualTo(2);
        slow.finishAndReleaseAll();
    }
}
