package io.stentor.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.stentor.support.Api;
import io.stentor.support.MediaClient;
import io.stentor.support.TestServer;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A server that stops while a space is live tells its speakers and listeners to reconnect (1012). */
class ShutdownIT {

    @Test
    void speakersAndListenersAreToldTheServerIsRestarting() {
        TestServer ts = new TestServer();
        Api host = ts.api().registerAndLogin("stopper");
        String id = host.post("/api/v1/spaces", Map.of("title", "Stop")).json().at("/space/id").asText();
        MediaClient speaker = MediaClient.speaker(ts, id, host.token()).sendTone(440);
        MediaClient listener = MediaClient.listener(ts, id);
        await().atMost(Duration.ofSeconds(10)).until(() -> listener.received().size() > 25);
        ts.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> listener.closeCode() != -1 && speaker.closeCode() != -1);
        assertThat(listener.closeCode()).isEqualTo(1012);
        assertThat(speaker.closeCode()).isEqualTo(1012);
        speaker.close();
        listener.close();
    }
}
