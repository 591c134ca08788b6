package io.stentor.media.hls;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The packager's window and its waiting, without a server or a clock. */
class HlsPackagerTest {

    private final HlsPackager packager = new HlsPackager(new HlsLayout(100, 25, 3, 32_000), "ltest", 7);

    private void frames(int n) {
        for (int i = 0; i < n; i++) {
            packager.append(new byte[] {(byte) 0xf8, (byte) i}); // any bytes: the packager never looks inside
        }
    }

    @Test
    void thePlaylistListsTheWindowAndTwiceTheWindowStaysFetchable() {
        frames(10 * 100 + 50); // segments 7..16 finished, 17 half full
        HlsView v = packager.view();
        String playlist = new String(v.playlist(), StandardCharsets.UTF_8);
        assertThat(HlsTools.segments(playlist)).containsExactly("ltest-14.m4s", "ltest-15.m4s", "ltest-16.m4s");
        assertThat(playlist).contains("#EXT-X-MEDIA-SEQUENCE:14\n")
                .doesNotContain("ltest-14.0.m4s").contains("ltest-15.3.m4s").contains("ltest-16.0.m4s")
                .contains("URI=\"ltest-17.1.m4s\",INDEPENDENT=YES")
                .endsWith("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"ltest-17.2.m4s\"\n");
        assertThat(v.segment(11)).as("6 kept").isNotNull();
        assertThat(v.segment(10)).as("older: gone").isNull();
        assertThat(v.part(17, 1)).isNotNull();
        assertThat(v.part(17, 2)).isNull();
        assertThat(v.segment(16).bytes().length).isEqualTo(v.segment(16).parts().stream().mapToInt(p -> p.bytes().length).sum());
    }

    @Test
    void aWaitingRequestIsAnsweredByThePartItWaitsForOrByTheEnd() throws Exception {
        frames(30); // part 7.0 out, 7.1 filling
        assertThat(packager.await(7, 0, 10)).isNotNull();
        assertThat(packager.await(7, 1, 50)).as("not out: times out").isNull();
        CompletableFuture<HlsView> waiting = CompletableFuture.supplyAsync(() -> packager.await(7, 1, 5_000));
        Thread.sleep(50);
        assertThat(waiting).isNotDone();
        frames(20);
        assertThat(waiting.get(1, TimeUnit.SECONDS).part(7, 1)).isNotNull();

        CompletableFuture<HlsView> toTheEnd = CompletableFuture.supplyAsync(() -> packager.await(9, -1, 5_000));
        Thread.sleep(50);
        packager.end();
        HlsView last = toTheEnd.get(1, TimeUnit.SECONDS);
        assertThat(last.ended()).isTrue();
        assertThat(new String(last.playlist(), StandardCharsets.UTF_8)).endsWith("#EXT-X-ENDLIST\n").doesNotContain("PRELOAD-HINT");
    }
}
