package io.stentor.safety;

import static io.stentor.safety.ModerationActionsIT.createAdmin;
import static io.stentor.safety.ModerationActionsIT.decision;
import static io.stentor.safety.ModerationActionsIT.staff;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.stentor.support.Api;
import io.stentor.support.MediaClient;
import io.stentor.support.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HLS tier honours an age restriction: anonymous callers are refused, and nothing is left for shared caches. */
class AgeRestrictedHlsIT {

    @Test
    void anAgeRestrictedSpacesHlsIsRefusedToAnonymousCallersAndPrivateForOthers(@TempDir Path data) throws Exception {
        createAdmin(data);
        try (TestServer ts = new TestServer(Map.of("data.dir", data.toString()))) {
            ModerationActionsIT.Staff staff = staff(ts, data);
            Api host = ts.api().registerAndLogin("ma_hlshost");
            String space = host.post("/api/v1/spaces", Map.of("title", "Late")).json().at("/space/id").asText();
            String hls = "/spaces/" + space + "/hls/";
            try (MediaClient mic = MediaClient.speaker(ts, space, host.token()).sendTone(440)) {
                await().atMost(Duration.ofSeconds(15)).until(() -> ts.api().get(hls + "index.m3u8").text().contains("#EXTINF"));
                assertThat(ts.api().get(hls + "index.m3u8").header("cache-control")).isEqualTo("public, max-age=1");

                assertThat(staff.mod().post("/api/v1/moderation/decisions", decision("age_restrict", "spaceId", space,
                        "category", "protection_of_minors")).status()).isEqualTo(201);
                // Within the second for which the server remembers a space's state.
                await().atMost(Duration.ofSeconds(3)).until(() -> ts.api().get(hls + "index.m3u8").status() == 403);
                assertThat(ts.api().get(hls + "index.m3u8").error()).isEqualTo("age_restricted");
                assertThat(ts.api().get(hls + "init.mp4").error()).isEqualTo("age_restricted");
                assertThat(ts.api().get(hls + "master.m3u8").error()).isEqualTo("age_restricted");

                Api.Res signedIn = host.get(hls + "index.m3u8");
                assertThat(signedIn.status()).isEqualTo(200);
                assertThat(signedIn.header("cache-control")).isEqualTo("private, max-age=1");
                String segment = signedIn.text().lines().filter(l -> l.endsWith(".m4s") && !l.startsWith("#"))
                        .findFirst().orElseThrow();
                assertThat(ts.api().get(hls + segment).error()).isEqualTo("age_restricted");
                assertThat(host.get(hls + segment).header("cache-control")).isEqualTo("private, max-age=3600, immutable");
            }
            host.post("/api/v1/spaces/" + space + "/end");
            assertThat(ts.api().get(hls + "index.m3u8").error()).isEqualTo("age_restricted");
            assertThat(host.get(hls + "index.m3u8").text()).contains("#EXT-X-PLAYLIST-TYPE:VOD");
        }
    }
}
