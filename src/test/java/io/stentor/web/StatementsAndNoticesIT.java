package io.stentor.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.stentor.cli.StentorCommand;
import io.stentor.support.Api;
import io.stentor.support.TestServer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trust &amp; safety pages of the web app in headless Chromium against a real server: the
 * affected user reads a statement of reasons and appeals it (DSA Art 17, 20), a suspended account
 * is told so plainly and can still appeal, and an anonymous notifier follows their report through
 * the receipt's link, sees the decision and appeals it (Art 16(5)). Moderators act through the API.
 */
class StatementsAndNoticesIT {

    static final Path SHOTS = Path.of("target/screenshots");
    static Browser browser;

    @TempDir
    Path data;

    @BeforeAll
    static void startBrowser() {
        browser = Browser.start(null);
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    /** An admin made from the command line (before the server starts), and two moderators. */
    record Staff(Api mod, Api mod2) {
        static Staff of(TestServer ts) {
            Api admin = ts.api().withToken(ts.api().post("/api/v1/auth/tokens",
                    Map.of("handle", "sn_admin", "password", "a very long secret")).json().get("token").asText());
            Api mod = ts.api().registerAndLogin("sn_mod");
            Api mod2 = ts.api().registerAndLogin("sn_mod2");
            assertThat(admin.put("/api/v1/users/sn_mod/role", Map.of("role", "moderator")).status()).isEqualTo(200);
            assertThat(admin.put("/api/v1/users/sn_mod2/role", Map.of("role", "moderator")).status()).isEqualTo(200);
            return new Staff(mod, mod2);
        }

        /** The second moderator decides the only open appeal. */
        void decideTheAppeal(String outcome, String reply) {
            JsonNode appeals = mod2.get("/api/v1/moderation/appeals").json().get("appeals");
            assertThat(appeals).hasSize(1);
            Api.Res r = mod2.post("/api/v1/moderation/appeals/" + appeals.get(0).get("id").asText() + "/decision",
                    Map.of("outcome", outcome, "reply", reply));
            assertThat(r.status()).as(r.text()).isEqualTo(200);
        }
    }

    private TestServer server() {
        StentorCommand.commandLine().execute("admin", "create-user", "--handle", "sn_admin", "--role", "admin",
                "--password", "a very long secret", "--data-dir", data.toString(), "--auth-argon2-memory-kib", "1024");
        return new TestServer(Map.of("data.dir", data.toString()));
    }

    static Map<String, Object> decision(String action, Object... more) {
        Map<String, Object> m = new HashMap<>(Map.of("action", action, "ground", "terms", "termsVersion", "2026-11",
                "termsClause", "4.2 Incitement", "explanation", "Calls to harass a named person at 0:40; the space is not amplified."));
        for (int i = 0; i < more.length; i += 2) {
            m.put((String) more[i], more[i + 1]);
        }
        return m;
    }

    private Page person(TestServer ts) {
        BrowserContext ctx = browser.newPerson(ts.baseUrl());
        Page page = ctx.newPage();
        page.setDefaultTimeout(15_000);
        page.onPageError(e -> System.out.println("[page error] " + e));
        return page;
    }

    private static Locator button(Page page, String name) {
        return page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName(name));
    }

    private static Locator link(Page page, String name) {
        return page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName(name));
    }

    @Test
    void aDemotedHostReadsTheStatementAppealsFromThePageAndSeesTheReversal() {
        try (TestServer ts = server()) {
            Staff staff = Staff.of(ts);
            Api host = ts.api().registerAndLogin("sn_host");
            String space = host.post("/api/v1/spaces", Map.of("title", "Late night rant")).json().at("/space/id").asText();
            Api.Res demoted = staff.mod().post("/api/v1/moderation/decisions", decision("demote", "spaceId", space,
                    "category", "illegal_or_harmful_speech"));
            assertThat(demoted.status()).as(demoted.text()).isEqualTo(201);

            Page page = person(ts);
            ModerationConsoleIT.logIn(page, "sn_host");
            // The notification: the bell counts it, the list links it to the statement.
            link(page, "Notifications, 1 unread").click();
            page.getByText("New:").waitFor();
            link(page, "Read the statement of reasons and how to appeal").click();
            page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Decisions about you")).waitFor();
            Locator statement = page.locator("article.statement");
            statement.waitFor();
            String text = statement.innerText();
            assertThat(text).contains("demoted").contains("In force").contains("4.2 Incitement")
                    .contains("Calls to harass a named person").contains("EU").contains("taken by a person")
                    .contains("On our own initiative").contains("out-of-court dispute settlement");
            assertThat(statement.getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("version 2026-11 of our terms"))
                    .getAttribute("href")).endsWith("/terms/2026-11");
            page.waitForFunction("() => /Late night rant/.test(document.querySelector('article.statement').innerText)");
            assertThat(link(page, "“Late night rant”").getAttribute("href")).isEqualTo("#/space/" + space);

            // The appeal: too short is said in words, then sent.
            page.getByLabel("Why is the decision wrong?").fill("No.");
            button(page, "Send the appeal").click();
            page.getByText("Explain in 10 to 4,000 characters why the decision is wrong.").waitFor();
            page.getByLabel("Why is the decision wrong?").fill("I named nobody; listen to 0:40 again, it was a quote from a film.");
            button(page, "Send the appeal").click();
            page.getByText("Your appeal was sent.").waitFor();
            assertThat(button(page, "Send the appeal").count()).as("one open appeal at a time").isZero();
            page.setViewportSize(390, 844);
            page.screenshot(new Page.ScreenshotOptions().setFullPage(true).setPath(SHOTS.resolve("statements-phone.png")));
            page.setViewportSize(1200, 900);
            assertThat(host.post("/api/v1/me/statements/" + demoted.json().get("id").asText() + "/appeal",
                    Map.of("explanation", "Once more, with feeling.")).error()).isEqualTo("appeal_open");

            // Another moderator reverses: the open page shows it (pushed by the notification).
            staff.decideTheAppeal("reversed", "On review it was a quotation; the space is listed again.");
            page.getByText("Reversed: the restriction was lifted").waitFor();
            assertThat(statement.innerText()).contains("Reversed: the decision was undone")
                    .contains("On review it was a quotation");
            page.screenshot(new Page.ScreenshotOptions().setFullPage(true).setPath(SHOTS.resolve("statements.png")));
            page.context().close();
        }
    }

    @Test
    void aSuspendedUserSeesWhyOnARefusedActionAndCanStillAppeal() {
        try (TestServer ts = server()) {
            Staff staff = Staff.of(ts);
            ts.api().registerAndLogin("sn_troll");
            Page page = person(ts);
            ModerationConsoleIT.logIn(page, "sn_troll");

            String notice = ts.api().post("/api/v1/notices", Map.of("category", "illegal_or_harmful_speech", "goodFaith", true,
                    "explanation", "This account keeps threatening other speakers.", "items",
                    List.of(Map.of("kind", "user_profile", "userHandle", "sn_troll")),
                    "name", "Ann Listener", "email", "ann@example.org")).json().get("id").asText();
            Api.Res suspended = staff.mod().post("/api/v1/moderation/notices/" + notice + "/decision",
                    decision("suspend_account", "suspendDays", 3));
            assertThat(suspended.status()).as(suspended.text()).isEqualTo(201);

            // A refused action: the banner says why and where to appeal.
            link(page, "New space").click();
            page.getByLabel("Title").fill("Comeback");
            button(page, "Create space").click();
            Locator banner = page.locator("#restricted");
            banner.waitFor();
            assertThat(banner.getAttribute("role")).isEqualTo("alert");
            assertThat(banner.innerText()).contains("Your account is suspended until");
            banner.getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("Read the decision and appeal it")).click();
            Locator statement = page.locator("article.statement");
            statement.waitFor();
            assertThat(statement.innerText()).contains("The account was suspended").contains("Until")
                    .contains("Someone reported it (we never tell you who)").doesNotContain("Ann");
            page.getByLabel("Why is the decision wrong?").fill("Those were not threats; I was reading lines from a play.");
            button(page, "Send the appeal").click();
            page.getByText("Your appeal was sent.").waitFor();
            page.context().close();
        }
    }

    @Test
    void anAnonymousNotifierFollowsTheReceiptLinkSeesTheDecisionAndAppeals() {
        try (TestServer ts = server()) {
            Staff staff = Staff.of(ts);
            Api host = ts.api().registerAndLogin("sn_speaker");
            String space = host.post("/api/v1/spaces", Map.of("title", "Open mic")).json().at("/space/id").asText();

            Page page = person(ts);
            page.navigate("/#/report?space=" + space);
            page.getByLabel("What is wrong").selectOption("violence");
            page.getByLabel("Why is it illegal?").fill("The speaker threatens to hurt a neighbour, by name, at about 0:10.");
            page.getByLabel("Your name").fill("Nora Notifier");
            page.getByLabel("Your email").fill("nora@example.org");
            page.getByLabel("I believe in good faith").check();
            button(page, "Send the report").click();
            page.getByText("keep this link").waitFor();
            Locator follow = page.locator("a.follow-up");
            assertThat(follow.getAttribute("href")).contains("#/notice?id=").contains("&key=");
            follow.click();
            page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Your report")).waitFor();
            page.getByText("Waiting for a decision").waitFor();
            assertThat(button(page, "Send the appeal").count()).as("nothing to appeal yet").isZero();

            String notice = staff.mod().get("/api/v1/moderation/notices").json().at("/notices/0/id").asText();
            Api.Res decided = staff.mod().post("/api/v1/moderation/notices/" + notice + "/decision",
                    decision("no_action", "explanation", "The threat is a line from a song the speaker was quoting."));
            assertThat(decided.status()).as(decided.text()).isEqualTo(201);

            page.reload();
            Locator status = page.locator("article.notice-status");
            status.waitFor();
            assertThat(status.innerText()).contains("No action was taken").contains("a line from a song")
                    .contains("out-of-court dispute settlement").doesNotContain("sn_mod");
            page.getByLabel("Why is the decision wrong?").fill("It was no song: he repeated the threat twice, listen to 0:10-0:30.");
            button(page, "Send the appeal").click();
            page.getByText("Open: a moderator who did not take the decision will review it").waitFor();
            page.setViewportSize(390, 844);
            page.screenshot(new Page.ScreenshotOptions().setFullPage(true).setPath(SHOTS.resolve("notice-followed-phone.png")));

            // A wrong key: said plainly, never a blank page.
            page.navigate("/#/notice?id=" + notice + "&key=wrong");
            page.getByText("There is no report with this link").waitFor();
            page.context().close();
        }
    }

    @Test
    void aSignedInNotifierIsNotifiedOfTheDecisionAndAppealsFromYourReports() {
        try (TestServer ts = server()) {
            Staff staff = Staff.of(ts);
            Api host = ts.api().registerAndLogin("sn_loud");
            ts.api().registerAndLogin("sn_reporter");
            String space = host.post("/api/v1/spaces", Map.of("title", "Loud room")).json().at("/space/id").asText();
            Page page = person(ts);
            ModerationConsoleIT.logIn(page, "sn_reporter");
            page.navigate("/#/report?space=" + space);
            page.getByLabel("Why is it illegal?").fill("Hateful slurs against a group of people, repeatedly, from 0:05.");
            page.getByLabel("I believe in good faith").check();
            button(page, "Send the report").click();
            link(page, "Your reports").first().waitFor();
            assertThat(page.getByText("keep this link").count()).as("said to anonymous notifiers only").isZero();

            String notice = staff.mod().get("/api/v1/moderation/notices").json().at("/notices/0/id").asText();
            assertThat(staff.mod().post("/api/v1/moderation/notices/" + notice + "/decision", decision("label",
                    "label", "Strong language")).status()).isEqualTo(201);
            // Live: a toast with the way to the decision; then the bell's list.
            page.locator(".toast").getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("See the decision on your report"))
                    .waitFor();
            link(page, "Notifications, 1 unread").click();
            page.locator("li.notification a").first().click();
            page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Your reports")).waitFor();
            Locator status = page.locator("article.notice-status");
            status.waitFor();
            assertThat(status.innerText()).contains("The space was labelled").contains("4.2 Incitement");
            page.getByLabel("Why is the decision wrong?").fill("A label is not enough for slurs; the space should be ended.");
            button(page, "Send the appeal").click();
            page.getByText("Open: a moderator who did not take the decision will review it").waitFor();
            page.context().close();
        }
    }
}
