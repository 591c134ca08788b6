package io.stentor.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The rules of placement (which edge a listener goes to) and of gap counting, without a network. */
class PlacementAndGapsTest {

    static final long S = TimeUnit.SECONDS.toNanos(1);

    static EdgeLoad edge(String name, int listeners, double cpu) {
        return new EdgeLoad(name, "http://" + name, listeners, cpu, 0, false, "");
    }

    @Test
    void aBurstOfJoinsBetweenHeartbeatsIsSpreadOverTheEdges() {
        EdgeTable t = new EdgeTable(3 * S);
        t.report(edge("a", 10, 0.1), 0);
        t.report(edge("b", 12, 0.1), 0);
        t.report(edge("c", 10, 0.5), 0);
        List<String> placed = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            placed.add(t.place(S, null).orElseThrow());
        }
        // a (10, lower CPU) first, then c (10): a and c up to 12 like b, then one each: all at 13.
        assertThat(placed.subList(0, 2)).containsExactly("http://a", "http://c");
        assertThat(placed.stream().filter("http://a"::equals).count()).isEqualTo(3);
        assertThat(placed.stream().filter("http://b"::equals).count()).isEqualTo(1);
        assertThat(placed.stream().filter("http://c"::equals).count()).isEqualTo(3);
    }

    @Test
    void aSilentEdgeIsDeadAfterTheTimeoutAndALeavingOneAtOnce() {
        EdgeTable t = new EdgeTable(3 * S);
        t.report(edge("a", 0, 0), 0);
        t.report(edge("b", 50, 0), 0);
        assertThat(t.live(2 * S)).isEqualTo(2);
        t.report(edge("b", 50, 0), 3 * S);
        assertThat(t.place(4 * S, null)).as("a silent for 4 s").contains("http://b");
        assertThat(t.live(4 * S)).isEqualTo(1);
        t.report(new EdgeLoad("b", "http://b", 50, 0, 0, true, ""), 4 * S);
        assertThat(t.place(4 * S, null)).as("no live edge: the origin serves").isEmpty();
    }

    @Test
    void aListenerGoesToAnEdgeOfTheirRegionWhileOneIsLiveElseToTheLeastLoadedAnywhere() {
        EdgeTable t = new EdgeTable(3 * S);
        t.report(new EdgeLoad("eu", "http://eu", 500, 0.9, 0, false, "eu-west"), 0);
        t.report(new EdgeLoad("us", "http://us", 10, 0.1, 0, false, "us-east"), 0);
        t.report(new EdgeLoad("any", "http://any", 900, 0.1, 0, false, ""), 0);
        assertThat(t.place(S, "eu-west")).as("busier, but in the listener's region").contains("http://eu");
        assertThat(t.place(S, "EU-WEST")).as("regions are names, case aside").contains("http://eu");
        assertThat(t.place(S, "ap-south")).as("no edge of its own: one that serves every region").contains("http://any");
        assertThat(t.place(S, null)).as("no region given").contains("http://us");
        // The region's own edge gone: an edge serving every region; none of those either: any edge at all.
        t.report(new EdgeLoad("eu", "http://eu", 500, 0.9, 0, true, "eu-west"), 2 * S);
        t.report(new EdgeLoad("any", "http://any", 900, 0.1, 0, false, ""), 2 * S);
        t.report(new EdgeLoad("us", "http://us", 10, 0.1, 0, false, "us-east"), 2 * S);
        assertThat(t.place(2 * S, "eu-west")).contains("http://any");
        t.report(new EdgeLoad("any", "http://any", 900, 0.1, 0, true, ""), 2 * S);
        assertThat(t.place(2 * S, "eu-west")).contains("http://us");
    }

    @Test
    void jumpsInSequenceAreGapsOrANewStream() {
        FrameSequence s = new FrameSequence();
        assertThat(s.next(100)).isEqualTo(FrameSequence.Verdict.FIRST);
        assertThat(s.next(101)).isEqualTo(FrameSequence.Verdict.NEXT);
        assertThat(s.next(105)).isEqualTo(FrameSequence.Verdict.GAP);
        assertThat(s.missed()).isEqualTo(3);
        assertThat(s.next(0)).as("the origin's mixer started over").isEqualTo(FrameSequence.Verdict.RESTART);
        assertThat(s.next(1)).isEqualTo(FrameSequence.Verdict.NEXT);
        assertThat(s.next(1 + FrameSequence.MAX_GAP + 2)).isEqualTo(FrameSequence.Verdict.RESTART);
        FrameSequence wrap = new FrameSequence();
        wrap.next(Integer.MAX_VALUE);
        assertThat(wrap.next(Integer.MIN_VALUE)).as("the 32-bit sequence wraps").isEqualTo(FrameSequence.Verdict.NEXT);
        assertThat(wrap.next(-1)).isEqualTo(FrameSequence.Verdict.RESTART);
    }
}
