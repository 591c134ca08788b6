package io.stentor.safety;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.stentor.cli.StentorCommand;
import io.stentor.support.Api;
import io.stentor.support.MediaClient;
import io.stentor.support.TestServer;
import io.stentor.support.Tones;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every moderation measure (DSA Art 17(1)) as the people concerned observe it — a muted speaker
 * falls silent on the far side, an age-restricted space refuses anonymous listeners, a removed
 * replay is gone, a suspended account can only read its statements and appeal — and each undone
 * when another moderator reverses it on appeal (Art 20). Also: own-initiative decisions, appeals by
 * notifiers (with the receipt's follow-up key), and the misuse policy for unfounded notices (Art 23).
 */
class ModerationActionsIT {

    /** An admin made from the command line, two moderators, and their API clients. */
    record Staff(Api admin, Api mod, Api mod2) {
    }

    static Staff staff(TestServer ts, Path data) {
        Api admin = ts.api().withToken(ts.api().post("/api/v1/auth/tokens",
                Map.of("handle", "ma_admin", "password", "a very long secret")).json().get("token").asText());
        Api mod = ts.api().registerAndLogin("ma_mod");
        Api mod2 = ts.api().registerAndLogin("ma_mod2");
        assertThat(admin.put("/api/v1/users/ma_mod/role", Map.of("role", "moderator")).status()).isEqualTo(200);
        assertThat(admin.put("/api/v1/users/ma_mod2/role", Map.of("role", "moderator")).status()).isEqualTo(200);
        return new Staff(admin, mod, mod2);
    }

    static void createAdmin(Path data) {
        StentorCommand.commandLine().execute("admin", "create-user", "--handle", "ma_admin", "--role", "admin",
                "--password", "a very long secret", "--data-dir", data.toString(), "--auth-argon2-memory-kib", "1024");
    }

    static Map<String, Object> decision(String action, Object... more) {
        Map<String, Object> m = new HashMap<>(Map.of("action", action, "ground", "terms", "termsVersion", "2026-11",
                "termsClause", "4.3 Harassment", "explanation", "Repeated abuse aimed at another speaker."));
        for (int i = 0; i < more.length; i += 2) {
            m.put((String) more[i], more[i + 1]);
        }
        return m;
    }

    static String anonymousNotice(TestServer ts, Map<String, Object> item) {
        Api.Res r = ts.api().post("/api/v1/notices", Map.of("category", "cyber_violence", "goodFaith", true,
                "explanation", "The speaker keeps insulting and threatening another participant.", "items", List.of(item),
                "name", "Ann Listener", "email", "ann@example.org"));
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        return r.json().get("id").asText();
    }

    static JsonNode statement(Api user, String action) {
        for (JsonNode s : user.get("/api/v1/me/statements").json().get("statements")) {
            if (s.get("action").asText().equals(action)) {
                return s;
            }
        }
        throw new AssertionError("no statement of reasons for " + action);
    }

    static void reverse(Staff staff, Api appellant, String decisionId) {
        String appeal = appellant.post("/api/v1/me/statements/" + decisionId + "/appeal",
                Map.of("explanation", "I did nothing of the kind; listen again.")).json().get("id").asText();
        assertThat(staff.mod().post("/api/v1/moderation/appeals/" + appeal + "/decision", Map.of("outcome", "reversed",
                "reply", "The first decision was wrong.")).error()).isEqualTo("same_moderator");
        assertThat(staff.mod2().post("/api/v1/moderation/appeals/" + appeal + "/decision", Map.of("outcome", "reversed",
                "reply", "On review the audio does not show abuse.")).status()).isEqualTo(200);
    }

    /** The share of the last second of the mix (40 frames, from 10 frames ago) at {@code hz}. */
    static double recentShare(MediaClient listener, double hz) {
        int from = Math.max(0, listener.received().size() - 50);
        short[] pcm = listener.decode(0, from);
        int end = Math.max(0, pcm.length - 480 * 10);
        return Tones.shareAt(pcm, 0, end, hz, 15);
    }

    @Test
    void aSpeakerMutedByModerationFallsSilentForListenersStaysMutedWhateverTheHostDoesAndAReversalLiftsIt(
            @TempDir Path data) throws Exception {
        createAdmin(data);
        try (TestServer ts = new TestServer(Map.of("data.dir", data.toString()))) {
            Staff staff = staff(ts, data);
            Api host = ts.api().registerAndLogin("ma_host");
            Api guest = ts.api().registerAndLogin("ma_guest");
            String space = host.post("/api/v1/spaces", Map.of("title", "Open mic")).json().at("/space/id").asText();
            assertThat(host.post("/api/v1/spaces/" + space + "/invites", Map.of("handle", "ma_guest")).status()).isEqualTo(204);
            assertThat(guest.post("/api/v1/spaces/" + space + "/invites/accept").status()).isEqualTo(204);
            try (MediaClient h = MediaClient.speaker(ts, space, host.token()).sendTone(440);
                    MediaClient g = MediaClient.speaker(ts, space, guest.token()).sendTone(660);
                    MediaClient listener = MediaClient.listener(ts, space)) {
                await().atMost(Duration.ofSeconds(10)).until(() -> listener.received().size() > 75);
                assertThat(recentShare(listener, 660)).as("the guest is heard").isGreaterThan(0.2);

                String notice = anonymousNotice(ts, Map.of("kind", "space_audio", "spaceId", space, "speaker", "ma_guest"));
                Api.Res muted = staff.mod().post("/api/v1/moderation/notices/" + notice + "/decision", decision("mute_speaker"));
                assertThat(muted.status()).as(muted.text()).isEqualTo(201);
                assertThat(muted.json().get("targetUserId").asText()).isNotBlank();
                int after = listener.received().size();
                await().atMost(Duration.ofSeconds(10)).until(() -> listener.received().size() > after + 75);
                assertThat(recentShare(listener, 660)).as("the muted guest is silent on the far side").isLessThan(0.02);
                assertThat(recentShare(listener, 440)).as("the host still on air").isGreaterThan(0.2);

                // Neither the host nor the guest can lift a moderation mute.
                assertThat(host.post("/api/v1/spaces/" + space + "/stage/ma_guest/unmute").error()).isEqualTo("muted_by_moderation");
                assertThat(guest.post("/api/v1/spaces/" + space + "/stage/ma_guest/unmute").error()).isEqualTo("muted_by_moderation");

                JsonNode st = statement(guest, "mute_speaker");
                assertThat(st.get("termsUrl").asText()).isEqualTo("/terms/2026-11");
                assertThat(st.toString()).doesNotContain("Ann Listener").doesNotContain("ann@example.org");
                reverse(staff, guest, st.get("id").asText());
                assertThat(statement(guest, "mute_speaker").get("reversed").asBoolean()).isTrue();
                // Restored: the microphone is the guest's own again.
                assertThat(guest.post("/api/v1/spaces/" + space + "/stage/ma_guest/unmute").status()).isEqualTo(204);
                int restored = listener.received().size();
                await().atMost(Duration.ofSeconds(10)).until(() -> listener.received().size() > restored + 75);
                assertThat(recentShare(listener, 660)).as("heard again").isGreaterThan(0.2);
            }
        }
    }

    @Test
    void labelsAgeRestrictionRemovalOfSpeakersAndReplaysAndTheirReversalsOnTheOwnInitiativeOfThePlatform(
            @TempDir Path data) throws Exception {
        createAdmin(data);
        try (TestServer ts = new TestServer(Map.of("data.dir", data.toString()))) {
            Staff staff = staff(ts, data);
            Api host = ts.api().registerAndLogin("ma_host2");
            Api pest = ts.api().registerAndLogin("ma_pest");
            String space = host.post("/api/v1/spaces", Map.of("title", "Late show")).json().at("/space/id").asText();

            // Own initiative: a category instead of a notice; no_action is not a decision to record.
            assertThat(staff.mod().post("/api/v1/moderation/decisions", decision("label", "spaceId", space,
                    "label", "Contains graphic descriptions")).error()).isEqualTo("invalid_category");
            assertThat(staff.mod().post("/api/v1/moderation/decisions", decision("no_action", "spaceId", space,
                    "category", "violence")).error()).isEqualTo("invalid_action");
            assertThat(staff.mod().post("/api/v1/moderation/decisions", decision("label", "spaceId", space,
                    "category", "violence")).error()).isEqualTo("label_required");
            assertThat(pest.post("/api/v1/moderation/decisions", decision("label", "spaceId", space, "category", "violence",
                    "label", "Nope")).status()).isEqualTo(403);
            Api.Res label = staff.mod().post("/api/v1/moderation/decisions", decision("label", "spaceId", space,
                    "category", "violence", "label", "Contains graphic descriptions"));
            assertThat(label.status()).as(label.text()).isEqualTo(201);
            assertThat(ts.api().get("/api/v1/spaces/" + space).json().at("/space/label").asText())
                    .isEqualTo("Contains graphic descriptions");

            // Age restriction: anonymous listeners are refused, signed-in ones get in.
            assertThat(staff.mod().post("/api/v1/moderation/decisions", decision("age_restrict", "spaceId", space,
                    "category", "protection_of_minors")).status()).isEqualTo(201);
            Api.Res anon = ts.api().post("/api/v1/spaces/" + space + "/join", Map.of());
            assertThat(anon.status()).isEqualTo(403);
            assertThat(anon.error()).isEqualTo("age_restricted");
            assertThat(ts.api().get("/spaces/" + space + "/live.opus").error()).isEqualTo("age_restricted");
            assertThat(pest.post("/api/v1/spaces/" + space + "/join", Map.of()).status()).isEqualTo(200);

            // Removing someone from the space: out, and cannot come back; the host cannot be removed this way.
            assertThat(staff.mod().post("/api/v1/moderation/decisions", decision("remove_speaker", "spaceId", space,
                    "speaker", "ma_host2", "category", "cyber_violence")).error()).isEqualTo("is_host");
            assertThat(staff.mod().post("/api/v1/moderation/decisions", decision("remove_speaker", "spaceId", space,
                    "speaker", "ma_pest", "category", "cyber_violence")).status()).isEqualTo(201);
            assertThat(pest.post("/api/v1/spaces/" + space + "/join", Map.of()).error()).isEqualTo("blocked");

            // The replay: recorded while a speaker talks, published at the end, then removed for everyone.
            try (MediaClient h = MediaClient.speaker(ts, space, host.token()).sendTone(440)) {
                Thread.sleep(1500);
            }
            assertThat(host.post("/api/v1/spaces/" + space + "/end").status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> host.get("/spaces/" + space + "/replay.opus").status() == 200);
            assertThat(staff.mod().post("/api/v1/moderation/decisions", decision("remove_replay", "spaceId", space,
                    "category", "violence")).status()).isEqualTo(201);
            assertThat(host.get("/spaces/" + space + "/replay.opus").status()).isEqualTo(410);
            assertThat(host.get("/spaces/" + space + "/replay.opus").error()).isEqualTo("replay_removed");

            // The host appeals each measure; another moderator reverses them: everything is back.
            reverse(staff, host, statement(host, "remove_replay").get("id").asText());
            assertThat(host.get("/spaces/" + space + "/replay.opus").status()).isEqualTo(200);
            reverse(staff, host, statement(host, "label").get("id").asText());
            assertThat(ts.api().get("/api/v1/spaces/" + space).json().at("/space/label").isNull()).isTrue();
            reverse(staff, host, statement(host, "age_restrict").get("id").asText());
            assertThat(ts.api().get("/spaces/" + space + "/replay.opus").status()).isEqualTo(200);
            reverse(staff, pest, statement(pest, "remove_speaker").get("id").asText());
            assertThat(statement(pest, "remove_speaker").get("ownInitiative").asBoolean()).isTrue();

            // Own-initiative statements go to the Transparency Database as voluntary.
            List<Map<String, Object>> exported = new TransparencyExport(io.stentor.store.Database.open(ts.config().db()).jdbi())
                    .since(java.time.Instant.EPOCH);
            assertThat(exported).extracting(s -> s.get("source_type")).containsOnly("SOURCE_VOLUNTARY");
            assertThat(exported).extracting(s -> s.get("decision_visibility")).contains(
                    List.of("DECISION_VISIBILITY_CONTENT_LABELLED"), List.of("DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED"),
                    List.of("DECISION_VISIBILITY_CONTENT_REMOVED"));
            assertThat(exported).extracting(s -> s.get("decision_provision")).contains("DECISION_PROVISION_PARTIAL_TERMINATION");
        }
    }

    @Test
    void aSuspendedAccountGoesOffTheAirAndMayOnlyReadItsStatementsAndAppealUntilAReversalRestoresIt(@TempDir Path data) {
        createAdmin(data);
        try (TestServer ts = new TestServer(Map.of("data.dir", data.toString()))) {
            Staff staff = staff(ts, data);
            Api user = ts.api().registerAndLogin("ma_troll");
            Api other = ts.api().registerAndLogin("ma_other");
            String space = user.post("/api/v1/spaces", Map.of("title", "Troll hour")).json().at("/space/id").asText();
            String notice = anonymousNotice(ts, Map.of("kind", "user_profile", "userHandle", "ma_troll"));
            assertThat(staff.mod().post("/api/v1/moderation/notices/" + notice + "/decision", decision("suspend_account"))
                    .error()).isEqualTo("invalid_suspend_days");
            Api.Res suspended = staff.mod().post("/api/v1/moderation/notices/" + notice + "/decision",
                    decision("suspend_account", "suspendDays", 3));
            assertThat(suspended.status()).as(suspended.text()).isEqualTo(201);

            // Off the air at once: the space they host is ended.
            assertThat(ts.api().get("/api/v1/spaces/" + space).json().at("/space/state").asText()).isEqualTo("ended");
            // Nothing but their statements, appeals and account.
            Api.Res refused = user.post("/api/v1/spaces", Map.of("title", "Comeback"));
            assertThat(refused.status()).isEqualTo(403);
            assertThat(refused.error()).isEqualTo("account_restricted");
            assertThat(refused.json().get("message").asText()).contains("suspended until");
            assertThat(user.get("/api/v1/spaces").status()).isEqualTo(200); // what anyone can read
            assertThat(user.get("/api/v1/me").status()).isEqualTo(200);
            JsonNode st = statement(user, "suspend_account");
            assertThat(st.get("endsAt").asText()).startsWith(java.time.LocalDate.now(java.time.ZoneOffset.UTC).plusDays(3).toString());
            assertThat(other.post("/api/v1/me/statements/" + st.get("id").asText() + "/appeal",
                    Map.of("explanation", "Not my statement at all.")).error()).isEqualTo("statement_not_found");
            reverse(staff, user, st.get("id").asText());
            assertThat(user.post("/api/v1/spaces", Map.of("title", "Comeback")).status()).isEqualTo(201);

            // Termination: for good, the same narrow door to statements and appeals.
            assertThat(staff.mod().post("/api/v1/moderation/decisions", decision("terminate_account", "userHandle", "ma_other",
                    "category", "scams_and_fraud")).status()).isEqualTo(201);
            Api.Res gone = other.post("/api/v1/spaces", Map.of("title", "Scam"));
            assertThat(gone.error()).isEqualTo("account_restricted");
            assertThat(gone.json().get("message").asText()).contains("terminated");
            assertThat(statement(other, "terminate_account").get("endsAt").isNull()).isTrue();
        }
    }

    @Test
    void notifiersFollowAndAppealWithoutAnAccountAndManifestlyUnfoundedNoticesLeadToAWarningThenASuspension(
            @TempDir Path data) {
        createAdmin(data);
        try (TestServer ts = new TestServer(Map.of("data.dir", data.toString(), "misuse.unfounded-deprioritise", "1",
                "misuse.unfounded-warn", "2", "misuse.unfounded-suspend", "3", "misuse.unfounded-suspension", "2d"))) {
            Staff staff = staff(ts, data);
            Api host = ts.api().registerAndLogin("ma_host3");
            String space = host.post("/api/v1/spaces", Map.of("title", "Calm talk")).json().at("/space/id").asText();

            // An anonymous notifier keeps the follow-up link of the receipt.
            Api.Res receipt = ts.api().post("/api/v1/notices", Map.of("category", "violence", "goodFaith", true,
                    "explanation", "Threats at the start of the space.", "name", "Ann Listener", "email", "ann@example.org",
                    "items", List.of(Map.of("kind", "space_audio", "spaceId", space))));
            String followUp = receipt.json().get("followUp").asText();
            String id = receipt.json().get("id").asText();
            assertThat(ts.api().get(followUp).json().get("state").asText()).isEqualTo("open");
            assertThat(ts.api().get("/api/v1/notices/" + id + "?key=forged").status()).isEqualTo(404);
            assertThat(ts.api().post(followUp.replace(id + "?", id + "/appeal?"), Map.of("explanation", "Decide it, please."))
                    .error()).isEqualTo("not_decided");
            assertThat(staff.mod().post("/api/v1/moderation/notices/" + id + "/decision", decision("no_action")).status())
                    .isEqualTo(201);
            JsonNode followed = ts.api().get(followUp).json();
            assertThat(followed.at("/decision/action").asText()).isEqualTo("no_action");
            assertThat(followed.get("redress").asText()).contains("appeal");
            assertThat(followed.toString()).doesNotContain("ma_mod");
            // Appeal against "no action": a second moderator reverses, the notice is decided again.
            Api.Res appeal = ts.api().post("/api/v1/notices/" + id + "/appeal?key=forged", Map.of("explanation", "Listen to minute 1."));
            assertThat(appeal.status()).isEqualTo(404);
            appeal = ts.api().post(followUp.replace(id + "?", id + "/appeal?"), Map.of("explanation", "Listen to minute 1, please."));
            assertThat(appeal.status()).as(appeal.text()).isEqualTo(201);
            String appealId = appeal.json().get("id").asText();
            assertThat(staff.mod2().post("/api/v1/moderation/appeals/" + appealId + "/decision", Map.of("outcome", "reversed",
                    "reply", "You were right: we look at it again.")).status()).isEqualTo(200);
            assertThat(ts.api().get(followUp).json().get("state").asText()).isEqualTo("open");
            assertThat(ts.api().get(followUp).json().at("/appeals/0/state").asText()).isEqualTo("reversed");

            // A signed-in notifier whose notices keep being manifestly unfounded: warned, then suspended.
            Api serial = ts.api().registerAndLogin("ma_serial");
            assertThat(staff.mod().post("/api/v1/moderation/notices/" + id + "/decision", decision("demote", "unfounded", true))
                    .error()).isEqualTo("invalid_unfounded");
            for (int i = 1; i <= 3; i++) {
                String n = serial.post("/api/v1/notices", Map.of("category", "other", "goodFaith", true,
                        "explanation", "I just do not like this host, number " + i + ".",
                        "items", List.of(Map.of("kind", "space_text", "spaceId", space)))).json().get("id").asText();
                assertThat(staff.mod().post("/api/v1/moderation/notices/" + n + "/decision", decision("no_action", "unfounded", true))
                        .status()).isEqualTo(201);
                if (i == 2) {
                    assertThat(serial.get("/api/v1/me/notifications").text()).contains("\"kind\":\"misuse_warning\"").contains("Warning");
                }
            }
            Api.Res stopped = serial.post("/api/v1/notices", Map.of("category", "other", "goodFaith", true,
                    "explanation", "And another one about this host.", "items", List.of(Map.of("kind", "space_text", "spaceId", space))));
            assertThat(stopped.status()).isEqualTo(403);
            assertThat(stopped.error()).isEqualTo("notices_suspended");
            // They still see their notices and the decisions, and may appeal those.
            JsonNode mine = serial.get("/api/v1/me/notices").json().get("notices");
            assertThat(mine).hasSize(3);
            assertThat(serial.post("/api/v1/me/notices/" + mine.get(0).get("id").asText() + "/appeal",
                    Map.of("explanation", "It was not unfounded at all.")).status()).isEqualTo(201);
        }
    }

    /** The replay's audio as decoded PCM (48 kHz mono), fetched as {@code who} would. */
    static short[] replayPcm(TestServer ts, String space) throws Exception {
        var res = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(ts.baseUrl() + "/spaces/" + space + "/replay.opus")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        assertThat(res.statusCode()).isEqualTo(200);
        var reader = new io.stentor.media.ogg.OggOpusReader(new java.io.ByteArrayInputStream(res.body()));
        List<byte[]> packets = new java.util.ArrayList<>();
        for (var p = reader.nextPacket(); p.isPresent(); p = reader.nextPacket()) {
            packets.add(p.get().data());
        }
        return Tones.decode(packets);
    }

    @Test
    void aModeratorCutsARangeOutOfAReplayForEveryoneAndAReversalMakesItWholeAgain(@TempDir Path data) throws Exception {
        createAdmin(data);
        try (TestServer ts = new TestServer(Map.of("data.dir", data.toString()))) {
            Staff staff = staff(ts, data);
            Api host = ts.api().registerAndLogin("ma_host4");
            String space = host.post("/api/v1/spaces", Map.of("title", "Recorded rant")).json().at("/space/id").asText();
            try (MediaClient h = MediaClient.speaker(ts, space, host.token()).sendTone(440)) {
                Thread.sleep(4000);
            }
            assertThat(host.post("/api/v1/spaces/" + space + "/end").status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> ts.api().get("/spaces/" + space + "/replay.opus").status() == 200);
            String hlsBefore = ts.api().get("/spaces/" + space + "/hls/index.m3u8").text();
            String notice = anonymousNotice(ts, Map.of("kind", "space_audio", "spaceId", space, "fromMs", 2000, "toMs", 3000));
            assertThat(staff.mod().post("/api/v1/moderation/notices/" + notice + "/decision", decision("cut_replay",
                    "fromMs", 3000, "toMs", 1000)).error()).isEqualTo("invalid_range");
            Api.Res cut = staff.mod().post("/api/v1/moderation/notices/" + notice + "/decision", decision("cut_replay"));
            assertThat(cut.status()).as(cut.text()).isEqualTo(201);
            assertThat(cut.json().get("fromMs").asLong()).isEqualTo(2000); // the notice's range
            short[] pcm = replayPcm(ts, space);
            int s = 48; // samples per ms
            assertThat(Tones.shareAt(pcm, 2100 * s, 2900 * s, 440, 15)).as("the cut range is silent").isLessThan(0.02);
            assertThat(Tones.rms(pcm, 2100 * s, 2900 * s)).as("silence, not a quieter tone").isLessThan(50);
            assertThat(Tones.shareAt(pcm, 1000 * s, 1900 * s, 440, 15)).as("before the cut").isGreaterThan(0.5);
            assertThat(Tones.shareAt(pcm, 3100 * s, 3600 * s, 440, 15)).as("after the cut").isGreaterThan(0.5);
            // The HLS replay is rewritten under new names: a cache never serves the uncut audio for them.
            String hlsAfter = ts.api().get("/spaces/" + space + "/hls/index.m3u8").text();
            assertThat(hlsAfter.lines().filter(l -> l.endsWith(".m4s")).findFirst())
                    .isNotEqualTo(hlsBefore.lines().filter(l -> l.endsWith(".m4s")).findFirst());

            reverse(staff, host, statement(host, "cut_replay").get("id").asText());
            short[] whole = replayPcm(ts, space);
            assertThat(Tones.shareAt(whole, 2100 * s, 2900 * s, 440, 15)).as("whole again").isGreaterThan(0.5);
        }
    }
}
