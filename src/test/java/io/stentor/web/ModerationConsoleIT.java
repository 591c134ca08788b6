package io.stentor.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.stentor.cli.StentorCommand;
import io.stentor.support.Api;
import io.stentor.support.MediaClient;
import io.stentor.support.TestServer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The moderator console in headless Chromium against a real server: a trusted flagger's notice
 * stands above an older anonymous one, the moderator plays the reported range (the page decodes
 * the audio it got), demotes the space citing the terms, and the space leaves "Live now".
 */
class ModerationConsoleIT {

    static final Path SHOTS = Path.of("target/screenshots");

    @TempDir
    Path data;

    @Test
    void aModeratorPlaysTheReportedRangeAndDemotesTheSpace() throws Exception {
        StentorCommand.commandLine().execute("admin", "create-user", "--handle", "mc_admin", "--role", "admin",
                "--password", "a very long secret", "--data-dir", data.toString(), "--auth-argon2-memory-kib", "1024");
        try (TestServer ts = new TestServer(Map.of("data.dir", data.toString()));
             Browser browser = Browser.start(null)) {
            Api admin = ts.api().withToken(ts.api().post("/api/v1/auth/tokens",
                    Map.of("handle", "mc_admin", "password", "a very long secret")).json().get("token").asText());
            Api modApi = ts.api().registerAndLogin("mc_mod");
            Api flagger = ts.api().registerAndLogin("mc_flagger");
            Api host = ts.api().registerAndLogin("mc_host");
            ts.api().registerAndLogin("mc_user");
            assertThat(admin.put("/api/v1/users/mc_mod/role", Map.of("role", "moderator")).status()).isEqualTo(200);
            assertThat(admin.put("/api/v1/users/mc_flagger/role", Map.of("role", "trusted_flagger")).status()).isEqualTo(200);
            String space = host.post("/api/v1/spaces", Map.of("title", "Shouting match")).json().at("/space/id").asText();
            host.post("/api/v1/spaces", Map.of("title", "Calm corner"));

            try (MediaClient mic = MediaClient.speaker(ts, space, host.token()).sendTone(440)) {
                Thread.sleep(5000);
                String anonymous = ts.api().post("/api/v1/notices", notice("violence", space, 1000, 3000,
                        Map.of("name", "Nora Notifier", "email", "nora@example.org"))).json().get("id").asText();
                String trusted = flagger.post("/api/v1/notices", notice("illegal_or_harmful_speech", space, 1000, 4000, Map.of()))
                        .json().get("id").asText();

                // The reported range is all on disk (a busy machine may lag the recording) and preserved.
                org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> modApi.get(
                        "/api/v1/moderation/notices/" + trusted + "/evidence").json().at("/evidence/0/state").asText().equals("kept"));

                BrowserContext userCtx = browser.newPerson(ts.baseUrl());
                Page user = userCtx.newPage();
                logIn(user, "mc_user");
                assertThat(user.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Moderation")).count()).isZero();
                user.navigate("/#/moderation");
                user.getByText("Only moderators can see the moderation console.").waitFor();
                assertThat(user.content()).doesNotContain("Nora");

                BrowserContext modCtx = browser.newPerson(ts.baseUrl());
                Page mod = modCtx.newPage();
                mod.setDefaultTimeout(15_000);
                mod.onPageError(e -> System.out.println("[page error] " + e));
                logIn(mod, "mc_mod");
                mod.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Moderation")).click();
                mod.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Notices to decide")).waitFor();
                mod.locator(".mod-item").first().waitFor();
                List<String> order = mod.locator(".mod-item").evaluateAll("els => els.map(e => e.dataset.notice)")
                        instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of();
                assertThat(order).containsExactly(trusted, anonymous);
                assertThat(mod.locator(".mod-item").first().innerText()).contains("Trusted flagger").contains("Live now");

                mod.setViewportSize(390, 844);
                mod.screenshot(new Page.ScreenshotOptions().setFullPage(true).setPath(SHOTS.resolve("moderation-queue-phone.png")));
                mod.setViewportSize(1200, 900);
                mod.locator(".mod-item a").first().click();
                mod.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Notice: Illegal or harmful speech")).waitFor();
                assertThat(mod.getByText("@loudmouth").count()).isPositive();
                // The range's audio element loads, and is as long as the range.
                mod.waitForFunction("() => { const a = document.querySelector('audio.evidence');"
                        + " return a && a.readyState >= 1 && Number.isFinite(a.duration); }");
                double elementSeconds = ((Number) mod.evaluate("document.querySelector('audio.evidence').duration")).doubleValue();
                assertThat(elementSeconds).isBetween(2.7, 3.3);
                // What it plays is the tone: the page decodes it.
                @SuppressWarnings("unchecked")
                Map<String, Object> decoded = (Map<String, Object>) mod.evaluate("async () => {"
                        + " const a = document.querySelector('audio.evidence');"
                        + " const bytes = await (await fetch(a.currentSrc || a.src, {credentials: 'same-origin'})).arrayBuffer();"
                        + " const buf = await new OfflineAudioContext(1, 48000, 48000).decodeAudioData(bytes);"
                        + " const x = buf.getChannelData(0), w = buf.sampleRate / 4;"
                        + " const c = 2 * Math.cos(2 * Math.PI * 440 / buf.sampleRate); const shares = [];"
                        + " for (let from = 0; from + w <= x.length; from += w) {"
                        + "   let s1 = 0, s2 = 0, e = 0;"
                        + "   for (let i = from; i < from + w; i++) { const s0 = x[i] + c * s1 - s2; s2 = s1; s1 = s0; e += x[i] * x[i]; }"
                        + "   shares.push(e === 0 ? 0 : 2 * (s1 * s1 + s2 * s2 - c * s1 * s2) / (w * e)); }"
                        + " const toned = shares.filter(v => v > 0.7).length / shares.length;"
                        + " return { seconds: buf.duration, toned, shares: shares.map(v => v.toFixed(2)).join(' ') }; }");
                assertThat(((Number) decoded.get("seconds")).doubleValue()).isBetween(2.8, 3.2);
                // Each quarter second: the share of its power at 440 Hz (Goertzel); most of them are the tone.
                assertThat(((Number) decoded.get("toned")).doubleValue()).as("quarter seconds of tone: " + decoded.get("shares"))
                        .isGreaterThan(0.75);

                mod.screenshot(new Page.ScreenshotOptions().setFullPage(true).setPath(SHOTS.resolve("moderation-notice.png")));
                mod.setViewportSize(390, 844); // a phone
                mod.screenshot(new Page.ScreenshotOptions().setFullPage(true).setPath(SHOTS.resolve("moderation-notice-phone.png")));
                mod.setViewportSize(1200, 900);
                // The decision: demote, on the terms (version and clause).
                assertThat(mod.getByLabel("The notice is manifestly unfounded").isVisible()).as("a no-action field").isTrue();
                mod.getByLabel("Action").selectOption("demote");
                assertThat(mod.getByLabel("The notice is manifestly unfounded").isVisible()).isFalse();
                assertThat(mod.getByLabel("Speaker (handle)").isVisible()).isFalse();
                mod.getByLabel("Clause").fill("4.2 Incitement");
                mod.getByLabel("Explanation (the statement of reasons)").fill("Incitement at 0:01-0:04; the space is not amplified.");
                assertThat(mod.getByLabel("Version of the terms").inputValue()).isEqualTo("2026-11");
                mod.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Decide")).click();
                mod.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Notices to decide")).waitFor();
                mod.waitForFunction("id => !document.querySelector(`.mod-item[data-notice=\"${id}\"]`)"
                        + " && !!document.querySelector('.mod-item')", trusted);
                assertThat(mod.locator(".mod-item").count()).isEqualTo(1);

                // The space left "Live now"; the other live space is still there.
                mod.navigate("/#/");
                mod.getByText("Calm corner").waitFor();
                assertThat(mod.locator("section[aria-labelledby=live-h]").innerText()).doesNotContain("Shouting match");
                modCtx.close();
                userCtx.close();
            }
        }
    }

    private static Map<String, Object> notice(String category, String space, long from, long to, Map<String, Object> extra) {
        Map<String, Object> m = new java.util.HashMap<>(Map.of("category", category, "goodFaith", true,
                "explanation", "The speaker calls for violence against a named group in this range.",
                "items", List.of(Map.of("kind", "space_audio", "spaceId", space, "speaker", "loudmouth",
                        "fromMs", from, "toMs", to))));
        m.putAll(extra);
        return m;
    }

    static void logIn(Page page, String handle) {
        page.navigate("/#/login");
        page.getByLabel("Handle").fill(handle);
        page.getByLabel("Password").fill("correct horse " + handle);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Log in")).click();
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Log out")).waitFor();
    }
}
