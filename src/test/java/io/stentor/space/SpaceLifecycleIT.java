package io.stentor.space;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.stentor.support.Api;
import io.stentor.support.EventsClient;
import io.stentor.support.TestServer;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The whole control-plane story over real HTTP and WebSockets: register, schedule, reschedule
 * ("8:30 instead of 8:00"), start, join, request to speak, accept, mute, react, end; then restart
 * the server on the same data and find everything still there.
 */
class SpaceLifecycleIT {

    @Test
    void aSpaceLivesItsWholeLifeAndSurvivesARestart() throws Exception {
        try (TestServer ts = new TestServer()) {
            Api host = ts.api().registerAndLogin("hostess");
            Api alice = ts.api().registerAndLogin("alice");
            Api bob = ts.api().registerAndLogin("bob");

            // Schedule for 8:00 (tomorrow), then move it to 8:30.
            Instant eight = Instant.now().plus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.HOURS);
            Api.Res created = host.post("/api/v1/spaces", Map.of("title", "The big conversation",
                    "description", "Two people, millions listening", "language", "en",
                    "scheduledStart", eight.toString(), "recordingPolicy", "hold_until_published"));
            assertThat(created.status()).isEqualTo(201);
            String id = created.json().at("/space/id").asText();
            assertThat(created.header("Location")).isEqualTo("/api/v1/spaces/" + id);
            assertThat(created.json().at("/space/state").asText()).isEqualTo("scheduled");
            assertThat(created.json().at("/stage/0/role").asText()).isEqualTo("host");

            assertThat(alice.post("/api/v1/spaces/" + id + "/follow").status()).isEqualTo(204);
            try (EventsClient aliceInbox = new EventsClient(ts.baseUrl(), "/api/v1/me/events", alice.token());
                 EventsClient roomBeforeStart = new EventsClient(ts.baseUrl(), "/api/v1/spaces/" + id + "/events", bob.token())) {
                aliceInbox.awaitType("hello", m -> m.at("/user/handle").asText().equals("alice"));
                roomBeforeStart.awaitType("snapshot", m -> m.at("/space/state").asText().equals("scheduled"));

                Instant eightThirty = eight.plus(30, ChronoUnit.MINUTES);
                Api.Res moved = host.post("/api/v1/spaces/" + id + "/reschedule", Map.of("scheduledStart", eightThirty.toString()));
                assertThat(moved.status()).isEqualTo(200);
                assertThat(Instant.parse(moved.json().get("scheduledStart").asText())).isEqualTo(eightThirty);
                aliceInbox.awaitType("notification", m -> m.at("/notification/kind").asText().equals("space_rescheduled"));
                roomBeforeStart.awaitType("state", m -> m.get("change").asText().equals("rescheduled"));

                assertThat(host.get("/api/v1/spaces?state=scheduled").json().get("spaces")).extracting(s -> s.get("id").asText())
                        .contains(id);

                // Start: followers are told, the room hears it.
                Api.Res started = host.post("/api/v1/spaces/" + id + "/start");
                assertThat(started.status()).isEqualTo(200);
                assertThat(started.json().get("state").asText()).isEqualTo("live");
                aliceInbox.awaitType("notification", m -> m.at("/notification/kind").asText().equals("space_started"));
                roomBeforeStart.awaitType("state", m -> m.get("change").asText().equals("started"));
            }
            assertThat(host.get("/api/v1/spaces?state=live").json().get("spaces")).extracting(s -> s.get("id").asText())
                    .contains(id);

            try (EventsClient room = new EventsClient(ts.baseUrl(), "/api/v1/spaces/" + id + "/events", null)) {
                room.awaitType("snapshot", m -> m.at("/space/state").asText().equals("live"));

                // Listeners join; the count arrives aggregated (anonymous watcher + alice + bob = 3).
                assertThat(alice.post("/api/v1/spaces/" + id + "/join").status()).isEqualTo(200);
                assertThat(bob.post("/api/v1/spaces/" + id + "/join").json().get("state").asText()).isEqualTo("admitted");
                assertThat(bob.get("/api/v1/spaces/" + id).json().at("/you/listening").asBoolean()).isTrue();
                room.awaitType("audience", m -> m.get("listeners").asInt() == 3);

                // Alice asks to speak, the host accepts: she is on stage, the queue is empty.
                assertThat(alice.post("/api/v1/spaces/" + id + "/requests").status()).isEqualTo(204);
                assertThat(alice.post("/api/v1/spaces/" + id + "/requests").error()).isEqualTo("already_requested");
                room.awaitType("requests", m -> m.get("change").asText().equals("created")
                        && m.at("/queue/0/user/handle").asText().equals("alice"));
                assertThat(host.post("/api/v1/spaces/" + id + "/requests/alice/accept").status()).isEqualTo(204);
                JsonNode joined = room.awaitType("stage", m -> m.get("change").asText().equals("joined"));
                assertThat(handles(joined.get("stage"))).containsExactly("hostess", "alice");
                room.awaitType("requests", m -> m.get("change").asText().equals("accepted") && m.get("queue").isEmpty());
                room.awaitType("audience", m -> m.get("listeners").asInt() == 2);

                // The host mutes Alice: she cannot unmute herself until the host lifts it.
                assertThat(host.post("/api/v1/spaces/" + id + "/stage/alice/mute").status()).isEqualTo(204);
                room.awaitType("stage", m -> m.get("change").asText().equals("muted")
                        && m.at("/stage/1/muted").asBoolean() && m.at("/stage/1/mutedByHost").asBoolean());
                Api.Res selfUnmute = alice.post("/api/v1/spaces/" + id + "/stage/alice/unmute");
                assertThat(selfUnmute.status()).isEqualTo(403);
                assertThat(selfUnmute.error()).isEqualTo("muted_by_host");

                // Reactions are counted and sent together.
                for (int i = 0; i < 3; i++) {
                    assertThat(bob.post("/api/v1/spaces/" + id + "/reactions", Map.of("emoji", "👏")).status()).isEqualTo(202);
                }
                room.awaitType("reactions", m -> m.at("/counts/👏").asLong() == 3);

                // End.
                Api.Res ended = host.post("/api/v1/spaces/" + id + "/end");
                assertThat(ended.json().get("state").asText()).isEqualTo("ended");
                room.awaitType("state", m -> m.get("change").asText().equals("ended")
                        && m.at("/space/endedAt").isTextual());
                assertThat(host.post("/api/v1/spaces/" + id + "/start").error()).isEqualTo("invalid_transition");
            }

            // Restart on the same database: nothing lost, tokens still valid.
            ts.restart();
            Api hostAgain = ts.api().withToken(host.token());
            Api.Res after = hostAgain.get("/api/v1/spaces/" + id);
            assertThat(after.status()).isEqualTo(200);
            JsonNode space = after.json().get("space");
            assertThat(space.get("state").asText()).isEqualTo("ended");
            assertThat(space.get("title").asText()).isEqualTo("The big conversation");
            assertThat(space.get("recordingPolicy").asText()).isEqualTo("hold_until_published");
            assertThat(Instant.parse(space.get("scheduledStart").asText())).isEqualTo(eight.plus(30, ChronoUnit.MINUTES));
            assertThat(space.get("startedAt").isTextual()).isTrue();
            assertThat(handles(after.json().get("stage"))).containsExactly("hostess", "alice");
            assertThat(after.json().at("/stage/1/mutedByHost").asBoolean()).isTrue();
            assertThat(after.json().get("followers").asInt()).isEqualTo(1);
            assertThat(hostAgain.get("/api/v1/spaces?state=ended&host=hostess").json().get("spaces"))
                    .extracting(s -> s.get("id").asText()).containsExactly(id);

            JsonNode inbox = ts.api().withToken(alice.token()).get("/api/v1/me/notifications").json();
            List<String> kinds = new ArrayList<>();
            inbox.get("notifications").forEach(n -> kinds.add(n.get("kind").asText()));
            assertThat(kinds).containsExactly("space_started", "space_rescheduled");
            assertThat(inbox.get("unread").asInt()).isEqualTo(2);
        }
    }

    private static List<String> handles(JsonNode stage) {
        List<String> out = new ArrayList<>();
        stage.forEach(m -> out.add(m.at("/user/handle").asText()));
        return out;
    }
}
