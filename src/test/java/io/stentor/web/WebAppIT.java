package io.stentor.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.PlaywrightException;
import com.microsoft.playwright.options.AriaRole;
import io.stentor.guard.GuardState;
import io.stentor.support.TestServer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The web app end to end, in headless Chromium against a real server: people sign up, host, speak
 * from a fake microphone (a 440 Hz tone), listen, ask to speak, and see the space end. Audio is
 * checked from the page, through the app's diagnostics ({@code window.stentor}: an AnalyserNode on
 * the playback path).
 */
class WebAppIT {

    static final Path SCREENSHOTS = Path.of("target/screenshots");

    @RegisterExtension
    static final ToneRig rig = new ToneRig();

    @Test
    void hostSpeaksFromTheMicrophoneAndAListenerHearsTheTone() throws IOException {
        Page host = person();
        signUp(host, "ada", "Ada Lovelace");
        createLiveSpace(host, "Friday night tones");
        waitUntil(host, "window.stentor.connections.speak === 'open' && window.stentor.framesSent > 25",
                "the host's microphone is encoded and sent");
        // Alone on stage, the host's page is sent nothing back and plays nothing: never its own voice.
        waitUntil(host, "window.stentor.framesSent > 75 && window.stentor.analyser !== null", "the host speaks a while");
        assertThat(host.evaluate("[window.stentor.framesReceived, window.stentor.rms() < 0.001]")).isEqualTo(List.of(0, true));

        Page listener = person(); // anonymous
        listener.navigate("/");
        Locator card = listener.locator("a.card.live", new Page.LocatorOptions().setHasText("Friday night tones"));
        card.waitFor();
        assertThat(card.textContent()).contains("Ada Lovelace");
        Files.createDirectories(SCREENSHOTS);
        listener.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve("home.png")));

        card.click();
        listener.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Friday night tones")).waitFor();
        waitUntil(listener, "window.stentor.mode === 'listen' && window.stentor.framesDecoded > 10",
                "the listener receives and decodes the mix");
        waitUntil(listener, """
                (() => { const s = window.stentor, f = s.dominantFrequency();
                  return f !== null && Math.abs(f - 440) < 15 && s.bandEnergy(400, 480) > 0.6 && s.rms() > 0.01; })()""",
                "the listener's page plays a 440 Hz tone");

        // The server saw it too: the browser's packets passed ingest, and a WebSocket listener is connected.
        String metrics = rig.server().api().get("/metrics").text();
        assertThat(metric(metrics, "stentor_media_packets_total{outcome=\"out\",stage=\"ingest\"}")).isGreaterThan(25);
        assertThat(metric(metrics, "stentor_media_listeners{tier=\"websocket\"}")).isGreaterThanOrEqualTo(1);

        // Mouth-to-ear on one machine (capture clock = playback clock): well under 300 ms is the aim.
        // Bounds, not targets: the server's jitter buffer and headless Chromium's fake audio clocks add to it.
        waitUntil(listener, "window.stentor.mouthToEarMs() !== null && window.stentor.mouthToEarMs() < 500"
                + " && Object.values(window.stentor.sources).every(s => s.bufferedMs <= 260)",
                "the listener's latency is small and its jitter buffer bounded");
        System.out.println("[listener audio] " + listener.evaluate("JSON.stringify({mouthToEarMs: window.stentor.mouthToEarMs(),"
                + " lastDelayMs: window.stentor.lastDelayMs, sources: window.stentor.sources})"));

        // The host's page shows the listener count and the host speaking; reactions float up.
        // (An anonymous listener's events and audio connections each count today, so "at least one".)
        host.locator(".room-head .count", new Page.LocatorOptions()
                .setHasText(java.util.regex.Pattern.compile("[1-9]\\d* listening"))).waitFor();
        host.locator("li.member.speaking[data-handle=ada]").waitFor();
        for (String emoji : List.of("👏", "🔥", "🎉")) {
            host.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("React with " + emoji)).click();
        }
        listener.locator(".floats .float").first().waitFor(new Locator.WaitForOptions()
                .setState(com.microsoft.playwright.options.WaitForSelectorState.ATTACHED));
        host.locator(".floats .float").first().waitFor(new Locator.WaitForOptions()
                .setState(com.microsoft.playwright.options.WaitForSelectorState.ATTACHED));
        host.evaluate("document.getElementById('toasts').replaceChildren()");
        host.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve("room.png")).setFullPage(true));
        listener.setViewportSize(390, 844);
        listener.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve("room-phone.png")).setFullPage(true));

        // The home page counts the listener in the space's card.
        Page other = person();
        other.navigate("/");
        other.locator("a.card.live", new Page.LocatorOptions().setHasText("Friday night tones"))
                .filter(new Locator.FilterOptions().setHasText(java.util.regex.Pattern.compile("🎧 [1-9]\\d* listening"))).waitFor();
    }

    @Test
    void aListenerAsksToSpeakTheHostAcceptsAndTheListenerSpeaks() {
        Page host = person();
        signUp(host, "grace", "Grace Hopper");
        String url = createLiveSpace(host, "Open mic");

        Page bob = person();
        signUp(bob, "bob", "Bob Builder");
        bob.navigate(url);
        waitUntil(bob, "window.stentor.mode === 'listen'", "Bob listens");
        bob.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("✋ Request to speak")).click();

        Locator accept = host.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Accept Bob Builder's request to speak"));
        accept.click();

        bob.locator("li.member[data-handle=bob]", new Page.LocatorOptions().setHasText("(you)")).waitFor();
        assertThat(bob.locator("li.member[data-handle=bob] .role").textContent()).isEqualTo("Speaker");
        waitUntil(bob, "window.stentor.mode === 'speak' && window.stentor.connections.speak === 'open'"
                + " && window.stentor.framesSent > 25", "Bob's microphone is on air");
        // Each hears the other's forwarded voice (never their own): the host's page plays Bob's tone.
        waitUntil(host, """
                (() => { const f = window.stentor.dominantFrequency();
                  return f !== null && Math.abs(f - 440) < 15 && window.stentor.bandEnergy(400, 480) > 0.6; })()""",
                "the host hears Bob");
        host.locator("li.member.speaking[data-handle=bob]").waitFor();
    }

    @Test
    void theHostEndsTheSpaceAndTheListenerIsToldPlainly() {
        Page host = person();
        signUp(host, "linus", "Linus");
        String url = createLiveSpace(host, "Short one");
        Page listener = person();
        listener.navigate(url);
        waitUntil(listener, "window.stentor.connections.listen === 'open'", "the listener is connected");

        // Share: the link is copied, and opens the room for someone else.
        listener.context().grantPermissions(List.of("clipboard-read", "clipboard-write"));
        listener.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("🔗 Share")).click();
        listener.getByText("Link copied: ").waitFor();
        String shared = (String) listener.evaluate("navigator.clipboard.readText()");
        assertThat(shared).isEqualTo(rig.server().baseUrl() + url);
        Page friend = person();
        friend.navigate(shared);
        friend.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Short one")).waitFor();

        Locator end = host.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("End the space for everyone"));
        end.click();
        host.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Yes, end it for everyone")).click();

        listener.getByText("This space has ended.").waitFor();
        assertThat(listener.locator(".room .badge").first().textContent()).isEqualTo("Ended");
        waitUntil(listener, "window.stentor.mode === 'off' && window.stentor.connections.listen === 'closed'",
                "the listener stopped its audio and does not reconnect");
        // The recording becomes a replay player that plays, and the home page lists it under Replays.
        Locator replay = listener.locator(".replay audio[controls]");
        replay.waitFor();
        replay.evaluate("a => a.play()");
        waitUntil(listener, "document.querySelector('.replay audio').currentTime > 0.5", "the replay plays");
        listener.navigate("/");
        listener.locator("section[aria-labelledby=rep-h] .card", new Page.LocatorOptions().setHasText("Short one"))
                .getByLabel("Replay of Short one").waitFor();
    }

    @Test
    void aHostSchedulesReschedulesAndStartsAndAFollowerSeesItGoLive() {
        Page host = person();
        signUp(host, "sched", "Scheduler");
        host.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("New space")).click();
        host.getByLabel("Title").fill("Sunday brunch");
        host.getByLabel("Schedule for").check();
        host.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create space")).click();
        host.locator(".room .badge", new Page.LocatorOptions().setHasText("Scheduled")).waitFor();
        String id = host.url().substring(host.url().indexOf("#/space/") + 8);

        LocalDateTime later = LocalDateTime.now().plusDays(2).withHour(18).withMinute(30).withSecond(0).withNano(0);
        host.getByLabel("New start").fill(later.format(DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm")));
        host.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Reschedule")).click();
        host.getByText("Rescheduled; followers are notified.").waitFor();
        assertThat(Instant.parse(rig.server().api().get("/api/v1/spaces/" + id).json().path("space").path("scheduledStart").asText()))
                .isEqualTo(later.atZone(ZoneId.systemDefault()).toInstant());

        // A follower signs up, logs out and in again, and asks to be reminded from the home page.
        Page fan = person();
        signUp(fan, "fan", "Fan");
        fan.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Log out")).click();
        fan.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Log in")).click();
        fan.getByLabel("Handle").fill("fan");
        fan.getByLabel("Password").fill("wrong password");
        fan.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Log in")).click();
        fan.getByRole(AriaRole.ALERT).waitFor(); // the server's message, shown plainly
        fan.getByLabel("Password").fill("correct horse fan");
        fan.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Log in")).click();
        fan.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Log out")).waitFor();
        Locator remind = fan.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Remind me when Sunday brunch starts"));
        remind.click();
        fan.waitForCondition(() -> "true".equals(remind.getAttribute("aria-pressed")));
        fan.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Sunday brunch")).click();
        fan.locator(".room .badge", new Page.LocatorOptions().setHasText("Scheduled")).waitFor();

        host.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("▶ Start now")).click();
        waitUntil(host, "window.stentor.mode === 'speak' && window.stentor.framesSent > 10", "the host is on air");
        // The follower's page goes live by itself, and the reminder arrives.
        fan.locator(".room .badge.live").waitFor();
        waitUntil(fan, "window.stentor.mode === 'listen' && window.stentor.framesDecoded > 10", "the follower listens");
        fan.getByText("\"Sunday brunch\" is live now.").first().waitFor();
    }

    @Test
    void hostControlsInviteMuteMoveToAudienceAndRemove() {
        Page host = person();
        signUp(host, "boss", "Boss");
        String url = createLiveSpace(host, "Panel");
        Page carol = listenerSignedUp(url, "carol", "Carol");

        host.getByLabel("Invite to the stage").fill("carol");
        host.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Invite").setExact(true)).click();
        carol.getByText("You are invited to the stage as speaker.").waitFor();
        carol.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Accept")).click();
        carol.locator("li.member[data-handle=carol]").waitFor();
        waitUntil(carol, "window.stentor.mode === 'speak' && window.stentor.framesSent > 10", "Carol is on air");

        host.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Mute Carol")).click();
        carol.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("🔇 Muted by a host")).waitFor();
        assertThat(carol.locator("li.member[data-handle=carol] .mic").textContent()).contains("muted by host");

        host.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Move Carol to the audience")).click();
        carol.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("✋ Request to speak")).waitFor();
        waitUntil(carol, "window.stentor.mode === 'listen' && window.stentor.connections.listen === 'open'",
                "Carol listens again");

        carol.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("✋ Request to speak")).click();
        host.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Deny Carol's request to speak")).click();
        carol.getByText("Your request to speak was declined.").waitFor();

        // Removing needs a stage member: invite again, then remove (with a second press to confirm).
        host.getByLabel("Invite to the stage").fill("carol");
        host.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Invite").setExact(true)).click();
        carol.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Accept")).click();
        Locator remove = host.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Remove Carol from the space"));
        remove.click();
        host.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Confirm remove")).click();
        carol.getByText("You were removed from this space").waitFor();
        waitUntil(carol, "window.stentor.mode === 'off'", "Carol's audio stopped");
    }

    @Test
    void aCoHostRunsTheRequestQueueAndTheStageButOnlyTheHostEndsTheSpace() {
        Page host = person();
        signUp(host, "chief", "Chief");
        String url = createLiveSpace(host, "Shared stage");
        Page dee = listenerSignedUp(url, "dee", "Dee Cohost");
        host.getByLabel("Invite to the stage").fill("dee");
        host.getByLabel("Role").selectOption("cohost");
        host.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Invite").setExact(true)).click();
        dee.getByText("You are invited to the stage as co-host.").waitFor();
        dee.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Accept")).click();
        assertThat(dee.locator("li.member[data-handle=dee] .role").textContent()).isEqualTo("Co-host");

        Page eve = listenerSignedUp(url, "eve", "Eve");
        eve.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("✋ Request to speak")).click();
        dee.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Requests to speak (1)")).waitFor();
        dee.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Accept Eve's request to speak")).click();
        eve.locator("li.member[data-handle=eve]", new Page.LocatorOptions().setHasText("(you)")).waitFor();
        dee.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Mute Eve")).click();
        eve.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("🔇 Muted by a host")).waitFor();
        // The co-host manages speakers, not the host; and ending the space is the host's alone.
        assertThat(dee.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Mute Chief")).count()).isZero();
        assertThat(dee.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("End the space for everyone")).count()).isZero();
        assertThat(host.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Mute Dee Cohost")).isVisible()).isTrue();
    }

    @Test
    void keyboardOnlyHostWithADeniedOrMissingMicrophoneIsToldWhatToDo() {
        Page host = person();
        // The microphone as the browser would report it: denied, then missing, then allowed (the fake device).
        host.addInitScript("""
                const real = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
                window.__mic = 'denied';
                navigator.mediaDevices.getUserMedia = (c) => {
                  window.__micAsked = c;
                  if (window.__mic === 'denied') return Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
                  if (window.__mic === 'missing') return Promise.reject(new DOMException('Requested device not found', 'NotFoundError'));
                  return real(c);
                };""");
        // Sign up and create a space with the keyboard alone: fields take focus in order, Enter submits.
        host.navigate("/#/signup");
        waitUntil(host, "document.activeElement.id === 'f-handle'", "the first field has the focus");
        host.keyboard().type("keys");
        host.keyboard().press("Tab");
        host.keyboard().type("Keys Only");
        host.keyboard().press("Tab");
        host.keyboard().type("correct horse keys");
        host.keyboard().press("Enter");
        host.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Log out")).waitFor();
        host.navigate("/#/new");
        waitUntil(host, "document.activeElement.id === 'f-title'", "the title field has the focus");
        host.keyboard().type("Quiet room");
        host.keyboard().press("Enter");
        host.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Quiet room")).waitFor();

        Locator alert = host.getByRole(AriaRole.ALERT).filter(new Locator.FilterOptions().setHasText("Microphone access was denied"));
        alert.waitFor();
        assertThat(host.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Try the microphone again")).isVisible()).isTrue();
        // Still connected to the stage (hearing others), sending nothing.
        waitUntil(host, "window.stentor.connections.speak === 'open' && window.stentor.framesSent === 0"
                + " && /denied/.test(window.stentor.micError)", "the host stays connected without a microphone");
        assertThat(host.evaluate("window.__micAsked.audio.echoCancellation")).isEqualTo(true);

        // No microphone at all: said so, differently. Then one is plugged in: "Try again" puts the host on air.
        host.evaluate("window.__mic = 'missing'");
        AccessibleWebAppIT.tabTo(host, "Try the microphone again");
        host.keyboard().press("Enter");
        host.getByRole(AriaRole.ALERT).filter(new Locator.FilterOptions().setHasText("No microphone was found")).waitFor();
        assertThat(alert.count()).isZero();
        host.evaluate("window.__mic = 'ok'");
        AccessibleWebAppIT.tabTo(host, "Try the microphone again");
        host.keyboard().press("Enter");
        waitUntil(host, "window.stentor.framesSent > 10 && window.stentor.micError === null", "the host is on air");
        host.getByText("You are on air").waitFor();
        assertThat(host.getByRole(AriaRole.ALERT).count()).isZero();
    }

    @Test
    void afterAServerRestartSpeakerAndListenerComeBackByThemselves() throws IOException {
        int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        try (TestServer restartable = new TestServer(Map.of("http.port", String.valueOf(port)))) {
            BrowserContext hostCtx = rig.person(restartable);
            BrowserContext listenerCtx = rig.person(restartable);
            Page host = hostCtx.newPage();
            Page listener = listenerCtx.newPage();
            host.setDefaultTimeout(15_000);
            listener.setDefaultTimeout(15_000);
            signUp(host, "phoenix", "Phoenix");
            String url = createLiveSpace(host, "Rises again");
            listener.navigate(url);
            String tone = """
                    (() => { const f = window.stentor.dominantFrequency();
                      return f !== null && Math.abs(f - 440) < 15 && window.stentor.bandEnergy(400, 480) > 0.6; })()""";
            waitUntil(listener, tone, "the listener hears the host");

            restartable.restart(); // the same port and data; the space stays live

            // The server says 1012 (ShutdownIT pins that down); what a browser reports can also be 1006 when
            // its socket is reset on the way down, or a retry meets the closed port. Either way: back by themselves.
            long sent = ((Number) host.evaluate("window.stentor.framesSent")).longValue();
            waitUntil(host, "window.stentor.closeCodes.length > 0 && window.stentor.connections.speak === 'open'"
                    + " && window.stentor.framesSent > " + (sent + 25), "the host's microphone reconnects");
            waitUntil(listener, "window.stentor.closeCodes.length > 0"
                    + " && window.stentor.connections.listen === 'open'", "the listener reconnects");
            long decoded = ((Number) listener.evaluate("window.stentor.framesDecoded")).longValue();
            waitUntil(listener, "window.stentor.framesDecoded > " + (decoded + 50) + " && " + tone,
                    "the listener hears the host again");
        }
    }

    @Test
    void reconnectDelaysDoubleWithJitterUpToACapAndNeverComeBeforeRetryAfter() {
        Page page = person();
        page.navigate("/#/space/no-such-space");
        // A space that is not there is said so plainly, with a way on.
        page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Space not found")).waitFor();
        assertThat(page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("See what is live")).isVisible()).isTrue();

        // The reconnect schedule every socket of the app uses (audio.js Backoff), sampled in the page.
        @SuppressWarnings("unchecked")
        Map<String, Object> r = (Map<String, Object>) page.evaluate("""
                async () => {
                  const { Backoff, retryAfterMs } = await import('/web/audio.js');
                  const runs = [];
                  for (let k = 0; k < 50; k++) {
                    const b = new Backoff(1000, 30000);
                    runs.push(Array.from({ length: 8 }, () => b.next()));
                  }
                  const b = new Backoff(1000, 30000);
                  b.next(); b.next(); b.next();
                  b.reset();
                  const afterReset = b.next();
                  const withRetryAfter = Array.from({ length: 20 }, () => new Backoff().next(retryAfterMs('7')));
                  const httpDate = retryAfterMs(new Date(Date.now() + 60000).toUTCString());
                  return { runs, afterReset, withRetryAfter, httpDate };
                }""");
        List<List<Number>> runs = (List<List<Number>>) r.get("runs");
        double[] caps = {1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000};
        for (int attempt = 0; attempt < caps.length; attempt++) {
            int a = attempt;
            List<Double> delays = runs.stream().map(run -> run.get(a).doubleValue()).toList();
            assertThat(delays).as("attempt %d: between half the cap and the cap", a)
                    .allSatisfy(d -> assertThat(d).isBetween(caps[a] / 2, caps[a]));
            assertThat(delays.stream().distinct().count()).as("attempt %d: jittered, not in lock-step", a).isGreaterThan(40);
        }
        assertThat(((Number) r.get("afterReset")).doubleValue()).isBetween(500.0, 1000.0);
        assertThat((List<Number>) r.get("withRetryAfter")).allSatisfy(d -> assertThat(d.doubleValue()).isBetween(7000.0, 8000.0));
        assertThat(((Number) r.get("httpDate")).doubleValue()).isBetween(55_000.0, 60_000.0);
    }

    @Test
    void aListenerWaitsInLineWhenManyJoinAndIsToldPlainlyWhenOnlyASmallAudienceIsLive() {
        java.util.concurrent.atomic.AtomicReference<GuardState> load = new java.util.concurrent.atomic.AtomicReference<>(GuardState.NORMAL);
        try (TestServer busy = new TestServer(Map.of("admission.max-listeners", "1"), load::get)) {
            Page host = page(busy);
            signUp(host, "crowded", "Crowded Host");
            String url = createLiveSpace(host, "Everyone at once");
            String tone = """
                    (() => { const f = window.stentor.dominantFrequency();
                      return f !== null && Math.abs(f - 440) < 15; })()""";
            // Room for one listener: the first gets in, the second waits its turn and is told its place...
            Page first = page(busy);
            first.navigate(url);
            waitUntil(first, tone, "the first listener hears the host");
            Page second = page(busy);
            second.navigate(url);
            waitUntil(second, "window.stentor.admission && window.stentor.admission.state === 'waiting'"
                    + " && window.stentor.admission.position === 1", "the second is told its place in line");
            second.getByText("You are in the waiting room").waitFor();
            // ...and is let in as soon as the first leaves.
            first.context().close();
            waitUntil(second, tone, "the second hears the host once admitted");

            // Constrained: a newcomer is offered the HTTP tier (the Ogg stream in an <audio> element), with its ticket.
            load.set(GuardState.CONSTRAINED);
            second.context().close(); // make room for one more
            Page offered = page(busy);
            offered.navigate(url);
            waitUntil(offered, "window.stentor.mode === 'fallback' && window.stentor.admission.tier === 'http'"
                    + " && /\\/live\\.opus\\?ticket=/.test(document.querySelector('audio').src) && " + tone,
                    "the newcomer gets the HTTP tier and hears the host on it");

            // Critical: a newcomer who does not follow the space is told, plainly, that the replay comes later.
            load.set(GuardState.CRITICAL);
            Page late = page(busy);
            late.navigate(url);
            late.getByText("live for a small audience only").waitFor();
            assertThat(late.getByText("Come back to this page when the space has ended").isVisible()).isTrue();
            waitUntil(late, "window.stentor.admission.state === 'replay_later' && window.stentor.framesReceived === 0",
                    "the newcomer gets no live audio");
            waitUntil(host, "window.stentor.connections.speak === 'open'", "the host stays on air");
        }
    }

    @Test
    void anyoneReportsWhatTheyHeardFromTheRoomWithoutAnAccount() {
        Page host = person();
        signUp(host, "reported", "Reported Host");
        String url = createLiveSpace(host, "Say anything");
        Page listener = person();
        listener.navigate(url);
        listener.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("⚑ Report")).click();
        listener.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Report this space")).waitFor();
        listener.getByLabel("Why is it illegal?").fill("At about one minute in, the host threatens a named neighbour.");
        listener.getByLabel("Speaker (handle, optional)").fill("@reported");
        listener.getByLabel("From (minute:second into the space, optional)").fill("1:00");
        listener.getByLabel("To (optional)").fill("1:30");
        listener.getByLabel("Your name").fill("Nina Listener");
        listener.getByLabel("Your email").fill("nina@example.org");
        // Without the good-faith statement the server says what is missing, plainly.
        listener.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Send the report")).click();
        listener.getByText("Confirm that you believe in good faith").waitFor();
        listener.getByLabel("I believe in good faith that this report is accurate and complete.").check();
        listener.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Send the report")).click();
        listener.getByText("We received your report").waitFor();
        assertThat(listener.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Back to the space")).isVisible()).isTrue();
    }


    // ------------------------------------------------------------------ helpers

    Page person() {
        return page(rig.server());
    }

    /** A new person who signs up and listens in the room at {@code url}. */
    Page listenerSignedUp(String url, String handle, String name) {
        Page page = person();
        signUp(page, handle, name);
        page.navigate(url);
        waitUntil(page, "window.stentor.mode === 'listen'", name + " listens");
        return page;
    }

    /** A new person (their own browser context) on {@code on}, with page errors and console warnings logged. */
    Page page(TestServer on) {
        return rig.page(on);
    }

    static void signUp(Page page, String handle, String name) {
        page.navigate("/#/signup");
        page.getByLabel("Handle").fill(handle);
        page.getByLabel("Display name").fill(name);
        page.getByLabel("Password").fill("correct horse " + handle);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create account")).click();
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Log out")).waitFor();
    }

    /** Creates a space that is live at once; returns the room's URL (relative). */
    static String createLiveSpace(Page page, String title) {
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("New space")).click();
        page.getByLabel("Title").fill(title);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create space")).click();
        page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName(title)).waitFor();
        assertThat(page.url()).contains("#/space/");
        return page.url().substring(page.url().indexOf("/#/"));
    }

    /** Polls a JavaScript expression in the page until it is true; on timeout, fails with the diagnostics. */
    static void waitUntil(Page page, String expression, String what) {
        try {
            page.waitForFunction("() => { try { return " + expression + "; } catch (e) { return false; } }", null,
                    new Page.WaitForFunctionOptions().setTimeout(20_000).setPollingInterval(100));
        } catch (PlaywrightException e) {
            Object diag = page.evaluate("() => JSON.stringify({...window.stentor, analyser: undefined,"
                    + " f: window.stentor && window.stentor.dominantFrequency(),"
                    + " e440: window.stentor && window.stentor.bandEnergy(400, 480),"
                    + " rms: window.stentor && window.stentor.rms(), text: document.body.innerText.slice(0, 600)})");
            throw new AssertionError("Timed out waiting until " + what + "; diagnostics: " + diag, e);
        }
    }

    /** The value of one Prometheus sample, by its exact name and labels (0 when absent). */
    static double metric(String text, String sample) {
        return text.lines().filter(l -> l.startsWith(sample + " ")).mapToDouble(l -> Double.parseDouble(l.substring(sample.length() + 1)))
                .findFirst().orElse(0);
    }

    /** A mono 16-bit 48 kHz WAV holding a sine tone (Chromium's fake microphone loops it). */
    static byte[] toneWav(double hz, int seconds) {
        int rate = 48_000;
        int n = rate * seconds;
        ByteBuffer b = ByteBuffer.allocate(44 + 2 * n).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes()).putInt(36 + 2 * n).put("WAVE".getBytes());
        b.put("fmt ".getBytes()).putInt(16).putShort((short) 1).putShort((short) 1).putInt(rate).putInt(rate * 2)
                .putShort((short) 2).putShort((short) 16);
        b.put("data".getBytes()).putInt(2 * n);
        for (int i = 0; i < n; i++) {
            b.putShort((short) Math.round(0.5 * 32767 * Math.sin(2 * Math.PI * hz * i / rate)));
        }
        return b.array();
    }
}
