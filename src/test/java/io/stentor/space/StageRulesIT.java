package io.stentor.space;

import static org.assertj.core.api.Assertions.assertThat;

import io.stentor.cli.StentorCommand;
import io.stentor.support.Api;
import io.stentor.support.EventsClient;
import io.stentor.support.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The rules of the stage, enforced server-side whatever the client does. */
class StageRulesIT {

    static TestServer ts;
    static Api host;
    static Api stranger;
    static Api admin;

    @BeforeAll
    static void start() throws Exception {
        Path data = Files.createTempDirectory("stentor-stage-");
        assertThat(StentorCommand.commandLine().execute("admin", "create-user", "--handle", "stage_admin", "--role", "admin",
                "--password", "a very long secret", "--data-dir", data.toString(), "--auth-argon2-memory-kib", "1024")).isZero();
        ts = new TestServer(Map.of("space.reactions-per-second", "2", "data.dir", data.toString()));
        host = ts.api().registerAndLogin("stagehost");
        stranger = ts.api().registerAndLogin("stranger");
        admin = ts.api().withToken(ts.api().post("/api/v1/auth/tokens",
                Map.of("handle", "stage_admin", "password", "a very long secret")).json().get("token").asText());
    }

    @AfterAll
    static void stop() {
        ts.close();
    }

    private static String liveSpace() {
        Api.Res r = host.post("/api/v1/spaces", Map.of("title", "Rules"));
        assertThat(r.status()).isEqualTo(201);
        assertThat(r.json().at("/space/state").asText()).isEqualTo("live");
        return r.json().at("/space/id").asText();
    }

    @Test
    void aListenerCannotMuteTheHost() {
        String id = liveSpace();
        stranger.post("/api/v1/spaces/" + id + "/join");
        Api.Res r = stranger.post("/api/v1/spaces/" + id + "/stage/stagehost/mute");
        assertThat(r.status()).isEqualTo(403);
        assertThat(host.get("/api/v1/spaces/" + id).json().at("/stage/0/muted").asBoolean()).isFalse();
    }

    @Test
    void aStrangerCannotEndOrEditASpace() {
        String id = liveSpace();
        assertThat(stranger.post("/api/v1/spaces/" + id + "/end").status()).isEqualTo(403);
        assertThat(stranger.patch("/api/v1/spaces/" + id, Map.of("title", "mine now")).status()).isEqualTo(403);
        assertThat(ts.api().post("/api/v1/spaces/" + id + "/end").status()).isEqualTo(401);
        assertThat(host.get("/api/v1/spaces/" + id).json().at("/space/state").asText()).isEqualTo("live");
    }

    @Test
    void requestsToSpeakQueueInArrivalOrderAndTheHostDeniesOrAccepts() {
        String id = liveSpace();
        String p = "_" + id.substring(0, 4);
        List<Api> askers = new ArrayList<>();
        for (String name : new String[] {"first", "second", "third"}) {
            Api u = ts.api().registerAndLogin(name + p);
            assertThat(u.post("/api/v1/spaces/" + id + "/join").status()).isEqualTo(200);
            assertThat(u.post("/api/v1/spaces/" + id + "/requests").status()).isEqualTo(204);
            askers.add(u);
        }
        try (EventsClient room = new EventsClient(ts.baseUrl(), "/api/v1/spaces/" + id + "/events", null)) {
            room.awaitType("snapshot", m -> true);
            assertThat(queue(id)).containsExactly("first" + p, "second" + p, "third" + p);

            // A listener cannot decide on requests; the host denies the second, the third withdraws.
            assertThat(askers.get(0).post("/api/v1/spaces/" + id + "/requests/second" + p + "/deny").status()).isEqualTo(403);
            assertThat(host.post("/api/v1/spaces/" + id + "/requests/second" + p + "/deny").status()).isEqualTo(204);
            room.awaitType("requests", m -> m.get("change").asText().equals("denied") && m.get("queue").size() == 2);
            assertThat(host.post("/api/v1/spaces/" + id + "/requests/second" + p + "/deny").error()).isEqualTo("no_request");
            assertThat(askers.get(2).delete("/api/v1/spaces/" + id + "/requests").status()).isEqualTo(204);
            assertThat(queue(id)).containsExactly("first" + p);

            // A denied listener may ask again, and goes to the back of the queue.
            assertThat(askers.get(1).post("/api/v1/spaces/" + id + "/requests").status()).isEqualTo(204);
            assertThat(queue(id)).containsExactly("first" + p, "second" + p);
            assertThat(host.post("/api/v1/spaces/" + id + "/requests/first" + p + "/accept").status()).isEqualTo(204);
            assertThat(queue(id)).containsExactly("second" + p);
            assertThat(host.get("/api/v1/spaces/" + id).json().at("/stage/1/user/handle").asText()).isEqualTo("first" + p);
        }
    }

    @Test
    void aListenerWhoLeavesNoLongerCounts() {
        String id = liveSpace();
        Api fan = ts.api().registerAndLogin("leaver_" + id.substring(0, 4));
        assertThat(fan.post("/api/v1/spaces/" + id + "/join").status()).isEqualTo(200);
        assertThat(host.get("/api/v1/spaces/" + id).json().at("/space/listeners").asInt()).isEqualTo(1);
        assertThat(fan.get("/api/v1/spaces/" + id).json().at("/you/listening").asBoolean()).isTrue();
        assertThat(fan.post("/api/v1/spaces/" + id + "/leave").status()).isEqualTo(204);
        assertThat(host.get("/api/v1/spaces/" + id).json().at("/space/listeners").asInt()).isZero();
        assertThat(fan.get("/api/v1/spaces/" + id).json().at("/you/listening").asBoolean()).isFalse();
    }

    @Test
    void anAdminMayRunAnyonesSpaceAndAStrangerMayNot() {
        Instant eight = Instant.now().plusSeconds(86_400);
        String id = host.post("/api/v1/spaces", Map.of("title", "Admin steps in", "scheduledStart", eight.toString()))
                .json().at("/space/id").asText();
        String later = eight.plusSeconds(1800).toString();
        Api.Res refused = stranger.post("/api/v1/spaces/" + id + "/reschedule", Map.of("scheduledStart", later));
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.error()).isEqualTo("not_host");
        assertThat(stranger.post("/api/v1/spaces/" + id + "/start").status()).isEqualTo(403);
        assertThat(stranger.post("/api/v1/spaces/" + id + "/cancel").status()).isEqualTo(403);
        assertThat(host.get("/api/v1/spaces/" + id).json().at("/space/state").asText()).isEqualTo("scheduled");

        Api.Res moved = admin.post("/api/v1/spaces/" + id + "/reschedule", Map.of("scheduledStart", later));
        assertThat(moved.status()).isEqualTo(200);
        assertThat(Instant.parse(moved.json().get("scheduledStart").asText())).isEqualTo(Instant.parse(later));
        assertThat(admin.post("/api/v1/spaces/" + id + "/start").json().get("state").asText()).isEqualTo("live");
        assertThat(admin.post("/api/v1/spaces/" + id + "/end").json().get("state").asText()).isEqualTo("ended");
        Api.Res after = host.get("/api/v1/spaces/" + id);
        assertThat(after.json().at("/space/state").asText()).isEqualTo("ended");
        assertThat(after.json().at("/space/host/handle").asText()).isEqualTo("stagehost"); // still the host's space
    }

    private static List<String> queue(String id) {
        List<String> handles = new ArrayList<>();
        host.get("/api/v1/spaces/" + id).json().get("requests").forEach(r -> handles.add(r.at("/user/handle").asText()));
        return handles;
    }

    @Test
    void theStageHoldsTenSpeakersAndTwoCohosts() {
        String id = liveSpace();
        for (int i = 0; i < 11; i++) {
            Api u = ts.api().registerAndLogin("spk" + i + "_" + id.substring(0, 4));
            assertThat(u.post("/api/v1/spaces/" + id + "/join").status()).isEqualTo(200);
            assertThat(u.post("/api/v1/spaces/" + id + "/requests").status()).isEqualTo(204);
        }
        for (int i = 0; i < 10; i++) {
            assertThat(host.post("/api/v1/spaces/" + id + "/requests/spk" + i + "_" + id.substring(0, 4) + "/accept").status())
                    .isEqualTo(204);
        }
        Api.Res full = host.post("/api/v1/spaces/" + id + "/requests/spk10_" + id.substring(0, 4) + "/accept");
        assertThat(full.status()).isEqualTo(409);
        assertThat(full.error()).isEqualTo("stage_full");

        // Two speakers become co-hosts; a third is refused.
        String p = "_" + id.substring(0, 4);
        assertThat(host.put("/api/v1/spaces/" + id + "/stage/spk0" + p + "/role", Map.of("role", "cohost")).status()).isEqualTo(204);
        assertThat(host.put("/api/v1/spaces/" + id + "/stage/spk1" + p + "/role", Map.of("role", "cohost")).status()).isEqualTo(204);
        assertThat(host.put("/api/v1/spaces/" + id + "/stage/spk2" + p + "/role", Map.of("role", "cohost")).error())
                .isEqualTo("stage_full");
        assertThat(host.get("/api/v1/spaces/" + id).json().get("stage")).hasSize(11);
    }

    @Test
    void cohostsRunTheStageButCannotTouchTheHost() {
        String id = liveSpace();
        Api co = ts.api().registerAndLogin("cohost_" + id.substring(0, 4));
        Api sp = ts.api().registerAndLogin("speaker_" + id.substring(0, 4));
        String coH = "cohost_" + id.substring(0, 4);
        String spH = "speaker_" + id.substring(0, 4);
        assertThat(host.post("/api/v1/spaces/" + id + "/invites", Map.of("handle", coH, "role", "cohost")).status()).isEqualTo(204);
        assertThat(co.post("/api/v1/spaces/" + id + "/invites/accept").status()).isEqualTo(204);
        // The co-host invites a speaker; the speaker accepts.
        assertThat(co.post("/api/v1/spaces/" + id + "/invites", Map.of("handle", spH)).status()).isEqualTo(204);
        assertThat(co.post("/api/v1/spaces/" + id + "/invites", Map.of("handle", "stranger", "role", "cohost")).status())
                .isEqualTo(403);
        assertThat(sp.get("/api/v1/spaces/" + id).json().at("/you/invitedAs").asText()).isEqualTo("speaker");
        assertThat(sp.post("/api/v1/spaces/" + id + "/invites/accept").status()).isEqualTo(204);

        assertThat(co.post("/api/v1/spaces/" + id + "/stage/stagehost/mute").status()).isEqualTo(403);
        assertThat(co.post("/api/v1/spaces/" + id + "/stage/" + spH + "/mute").status()).isEqualTo(204);
        // Lifting a host mute does not open the microphone; the speaker then unmutes themself.
        assertThat(co.post("/api/v1/spaces/" + id + "/stage/" + spH + "/unmute").status()).isEqualTo(204);
        var member = host.get("/api/v1/spaces/" + id).json().at("/stage/2");
        assertThat(member.get("muted").asBoolean()).isTrue();
        assertThat(member.get("mutedByHost").asBoolean()).isFalse();
        assertThat(sp.post("/api/v1/spaces/" + id + "/stage/" + spH + "/unmute").status()).isEqualTo(204);
        // Self-mute is always allowed.
        assertThat(sp.post("/api/v1/spaces/" + id + "/stage/" + spH + "/mute").status()).isEqualTo(204);
        assertThat(host.get("/api/v1/spaces/" + id).json().at("/stage/2/mutedByHost").asBoolean()).isFalse();

        // The co-host moves the speaker back to the audience; nobody moves the host.
        assertThat(co.post("/api/v1/spaces/" + id + "/stage/" + spH + "/audience").status()).isEqualTo(204);
        assertThat(co.post("/api/v1/spaces/" + id + "/stage/stagehost/audience").status()).isEqualTo(403);
        assertThat(host.get("/api/v1/spaces/" + id).json().get("stage")).hasSize(2);
    }

    @Test
    void aRemovedUserIsBlockedFromComingBack() {
        String id = liveSpace();
        Api troll = ts.api().registerAndLogin("troll_" + id.substring(0, 4));
        String handle = "troll_" + id.substring(0, 4);
        try (EventsClient room = new EventsClient(ts.baseUrl(), "/api/v1/spaces/" + id + "/events", null)) {
            room.awaitType("snapshot", m -> true);
            assertThat(troll.post("/api/v1/spaces/" + id + "/join").status()).isEqualTo(200);
            assertThat(troll.post("/api/v1/spaces/" + id + "/requests").status()).isEqualTo(204);
            assertThat(host.post("/api/v1/spaces/" + id + "/blocks", Map.of("handle", handle)).status()).isEqualTo(204);
            room.awaitType("removed", m -> m.at("/user/handle").asText().equals(handle));
        }
        assertThat(troll.post("/api/v1/spaces/" + id + "/join").error()).isEqualTo("blocked");
        assertThat(troll.post("/api/v1/spaces/" + id + "/requests").error()).isEqualTo("blocked");
        assertThat(troll.post("/api/v1/spaces/" + id + "/reactions", Map.of("emoji", "🔥")).error()).isEqualTo("blocked");
        assertThat(host.get("/api/v1/spaces/" + id).json().get("requests")).isEmpty();
        assertThat(host.post("/api/v1/spaces/" + id + "/blocks", Map.of("handle", "stagehost")).status()).isEqualTo(403);

        assertThat(host.delete("/api/v1/spaces/" + id + "/blocks/" + handle).status()).isEqualTo(204);
        assertThat(troll.post("/api/v1/spaces/" + id + "/join").status()).isEqualTo(200);
    }

    @Test
    void reactionsAreRateLimitedPerUser() {
        String id = liveSpace();
        Api fan = ts.api().registerAndLogin("fan_" + id.substring(0, 4));
        int accepted = 0;
        int limited = 0;
        for (int i = 0; i < 10; i++) {
            Api.Res r = fan.post("/api/v1/spaces/" + id + "/reactions", Map.of("emoji", "❤️"));
            if (r.status() == 202) {
                accepted++;
            } else {
                assertThat(r.status()).isEqualTo(429);
                assertThat(r.error()).isEqualTo("rate_limited");
                assertThat(r.header("Retry-After")).isNotNull();
                limited++;
            }
        }
        assertThat(accepted).isBetween(4, 6); // burst of 2 x 2/s, plus refill during the loop
        assertThat(limited).isPositive();
        assertThat(fan.post("/api/v1/spaces/" + id + "/reactions", Map.of("emoji", "🍕")).error()).isEqualTo("invalid_reaction");
    }

    @Test
    void anonymousWatchersWhoArriveEarlyCountOnceTheSpaceIsLive() {
        Api.Res r = host.post("/api/v1/spaces", Map.of("title", "Early birds",
                "scheduledStart", java.time.Instant.now().plusSeconds(3600).toString()));
        String id = r.json().at("/space/id").asText();
        try (EventsClient early = new EventsClient(ts.baseUrl(), "/api/v1/spaces/" + id + "/events", null)) {
            early.awaitType("snapshot", m -> m.at("/space/state").asText().equals("scheduled"));
            host.post("/api/v1/spaces/" + id + "/start");
            early.awaitType("state", m -> m.get("change").asText().equals("started"));
            assertThat(host.get("/api/v1/spaces/" + id).json().at("/space/listeners").asInt()).isEqualTo(1);
        }
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() ->
                host.get("/api/v1/spaces/" + id).json().at("/space/listeners").asInt() == 0);
    }

    @Test
    void scheduledSpacesCanBeCancelledAndFollowersAreToldLiveButNotThoseWhoUnfollowed() {
        Api.Res r = host.post("/api/v1/spaces", Map.of("title", "Maybe later",
                "scheduledStart", java.time.Instant.now().plusSeconds(3600).toString()));
        String id = r.json().at("/space/id").asText();
        Api follower = ts.api().registerAndLogin("follower_" + id.substring(0, 4));
        Api unfollower = ts.api().registerAndLogin("unfollower_" + id.substring(0, 4));
        assertThat(follower.post("/api/v1/spaces/" + id + "/follow").status()).isEqualTo(204);
        assertThat(unfollower.post("/api/v1/spaces/" + id + "/follow").status()).isEqualTo(204);
        assertThat(unfollower.delete("/api/v1/spaces/" + id + "/follow").status()).isEqualTo(204);
        assertThat(host.get("/api/v1/spaces/" + id).json().get("followers").asInt()).isEqualTo(1);
        assertThat(follower.post("/api/v1/spaces/" + id + "/join").error()).isEqualTo("space_not_live");
        try (EventsClient inbox = new EventsClient(ts.baseUrl(), "/api/v1/me/events", follower.token())) {
            inbox.awaitType("hello", m -> true);
            assertThat(host.post("/api/v1/spaces/" + id + "/cancel").json().get("state").asText()).isEqualTo("cancelled");
            inbox.awaitType("notification", m -> m.at("/notification/kind").asText().equals("space_cancelled"));
        }
        assertThat(follower.get("/api/v1/me/notifications").json().at("/notifications/0/kind").asText())
                .isEqualTo("space_cancelled");
        assertThat(unfollower.get("/api/v1/me/notifications").json().get("notifications")).isEmpty();
        assertThat(host.post("/api/v1/spaces/" + id + "/start").error()).isEqualTo("invalid_transition");
    }
}
