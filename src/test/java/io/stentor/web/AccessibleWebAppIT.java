package io.stentor.web;

import static io.stentor.web.WebAppIT.createLiveSpace;
import static io.stentor.web.WebAppIT.signUp;
import static io.stentor.web.WebAppIT.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.microsoft.playwright.CDPSession;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The web app for people who use a keyboard and a screen reader, and on a phone: every control has
 * an accessible name (Chromium's own accessibility tree), the room works with the keyboard alone
 * (Tab order follows the page, focus is visible), and at 375×667 nothing runs off the side.
 */
class AccessibleWebAppIT {

    /** Roles a person operates; each needs a name a screen reader can say. */
    static final Set<String> CONTROLS = Set.of("button", "link", "textbox", "combobox", "checkbox", "radio",
            "slider", "menuitem", "searchbox", "spinbutton", "switch", "tab", "listbox");

    @RegisterExtension
    static final ToneRig rig = new ToneRig();

    @Test
    void everyControlIsNamedAndTheRoomWorksWithTheKeyboardAlone() {
        Page host = person(1200, 900);
        assertEveryControlIsNamed(host, "/#/signup");
        signUp(host, "kbhost", "Keyboard Host");
        assertEveryControlIsNamed(host, "/#/new");
        String url = createLiveSpace(host, "Tab through it");

        Page bob = person(1200, 900);
        signUp(bob, "kbbob", "Bob Keys");
        bob.navigate(url);
        waitUntil(bob, "window.stentor.mode === 'listen'", "Bob listens");
        assertEveryControlIsNamed(bob, null);

        // Bob asks to speak with the keyboard alone: Tab from the top of the room, Enter.
        tabTo(bob, "✋ Request to speak");
        bob.keyboard().press("Enter");
        bob.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("✋ Request sent — withdraw")).waitFor();

        // The host accepts the same way; the queue, the invite form and the end button are named too.
        host.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Accept Bob Keys's request to speak")).waitFor();
        assertEveryControlIsNamed(host, null);
        tabTo(host, "Accept Bob Keys's request to speak");
        host.keyboard().press("Enter");
        bob.locator("li.member[data-handle=kbbob]", new Page.LocatorOptions().setHasText("(you)")).waitFor();
        waitUntil(bob, "window.stentor.mode === 'speak' && window.stentor.framesSent > 10", "Bob is on air");

        // Bob mutes himself from the keyboard; the stage says so to a screen reader, on the host's page too.
        tabTo(bob, "🔇 Mute");
        bob.keyboard().press("Space");
        host.locator("li.member[data-handle=kbbob][aria-label*='muted']").waitFor();
        assertEveryControlIsNamed(host, null);
        // The host's stage controls for Bob, then ending the space, all by keyboard (Enter twice: it asks once more).
        tabTo(host, "Mute Bob Keys");
        tabTo(host, "End the space for everyone");
        host.keyboard().press("Enter");
        assertThat(focusedName(host)).isEqualTo("Yes, end it for everyone");
        host.keyboard().press("Enter");
        bob.getByText("This space has ended.").waitFor();
    }

    @Test
    void atPhoneSizeNothingOverflowsSideways() {
        Page host = person(375, 667);
        host.navigate("/");
        assertNoSidewaysOverflow(host, "home, logged out");
        host.navigate("/#/signup");
        assertNoSidewaysOverflow(host, "sign up");
        signUp(host, "phonehost", "A Host With A Rather Long Display Name");
        assertNoSidewaysOverflow(host, "home, logged in");
        host.navigate("/#/new");
        host.getByLabel("Schedule for").check();
        assertNoSidewaysOverflow(host, "new space, scheduled");
        host.getByLabel("Title").fill("An upcoming conversation with a title long enough to wrap twice on a phone");
        host.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create space")).click();
        host.locator(".room .badge", new Page.LocatorOptions().setHasText("Scheduled")).waitFor();
        assertNoSidewaysOverflow(host, "scheduled room, host (reschedule form)");

        String url = createLiveSpace(host, "Phone room");
        Page guest = person(375, 667);
        signUp(guest, "phoneguest_with_long_handle", "Guest");
        guest.navigate("/");
        guest.locator("a.card.live").first().waitFor();
        guest.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName(
                "Remind me when An upcoming conversation with a title long enough to wrap twice on a phone starts")).waitFor();
        assertNoSidewaysOverflow(guest, "home with live and upcoming cards");
        guest.navigate(url);
        waitUntil(guest, "window.stentor.mode === 'listen'", "the guest listens");
        assertNoSidewaysOverflow(guest, "live room, listener");
        guest.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("✋ Request to speak")).click();
        host.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Accept Guest's request to speak")).waitFor();
        assertNoSidewaysOverflow(host, "live room, host with a request in the queue");
        host.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Accept Guest's request to speak")).click();
        host.locator("li.member[data-handle=phoneguest_with_long_handle]").waitFor();
        host.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Mute Guest")).waitFor();
        assertNoSidewaysOverflow(host, "live room, host with a speaker's controls");
        host.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("🔗 Share")).click();
        assertNoSidewaysOverflow(host, "live room, after Share");
        // Scrolled down to the host controls, the page header (three rows of buttons here) covers none of them.
        host.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("End the space for everyone")).scrollIntoViewIfNeeded();
        assertThat((Number) host.evaluate("document.querySelector('header.top').getBoundingClientRect().bottom"))
                .as("px of the screen the header covers").satisfies(px -> assertThat(px.doubleValue()).isLessThanOrEqualTo(0));
        host.screenshot(new Page.ScreenshotOptions().setPath(WebAppIT.SCREENSHOTS.resolve("room-375x667.png")).setFullPage(true));
        guest.locator("li.member[data-handle=phoneguest_with_long_handle]", new Page.LocatorOptions().setHasText("(you)")).waitFor();
        assertNoSidewaysOverflow(guest, "live room, on stage");
    }

    // ------------------------------------------------------------------ helpers

    Page person(int width, int height) {
        Page page = rig.page(rig.server());
        page.setViewportSize(width, height);
        return page;
    }

    /**
     * Every control Chromium exposes to assistive technology on the page (after opening {@code path},
     * if given) has a non-empty accessible name: asked of the browser's accessibility tree, not guessed.
     */
    static void assertEveryControlIsNamed(Page page, String path) {
        if (path != null) {
            page.navigate(path);
            page.locator("main h1").first().waitFor();
        }
        CDPSession cdp = page.context().newCDPSession(page);
        try {
            cdp.send("Accessibility.enable");
            JsonObject tree = cdp.send("Accessibility.getFullAXTree");
            List<String> unnamed = new ArrayList<>();
            int controls = 0;
            for (JsonElement e : tree.getAsJsonArray("nodes")) {
                JsonObject n = e.getAsJsonObject();
                if (n.has("ignored") && n.get("ignored").getAsBoolean() || !n.has("role")) {
                    continue;
                }
                String role = n.getAsJsonObject("role").get("value").getAsString();
                if (!CONTROLS.contains(role)) {
                    continue;
                }
                controls++;
                String name = n.has("name") && n.getAsJsonObject("name").has("value")
                        ? n.getAsJsonObject("name").get("value").getAsString().strip() : "";
                if (name.isEmpty()) {
                    unnamed.add(role + " #" + n.get("backendDOMNodeId"));
                }
            }
            assertThat(controls).as("controls found on " + page.url()).isGreaterThan(3);
            assertThat(unnamed).as("controls without an accessible name on " + page.url()).isEmpty();
        } finally {
            cdp.detach();
        }
    }

    /**
     * Presses Tab until the focused element's accessible name is {@code name}. Every element on the
     * way must be visible, show a focus ring, and come later in the page than the one before (the
     * Tab order is the reading order: no positive tabindex, nothing focusable hidden).
     */
    static void tabTo(Page page, String name) {
        List<String> path = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            page.keyboard().press("Tab");
            Object why = page.evaluate("""
                    () => {
                      const el = document.activeElement;
                      if (!el || el === document.body) { window.__lastFocus = null; return 'wrapped'; } // past the end
                      const r = el.getBoundingClientRect();
                      if (r.width < 1 || r.height < 1) return 'focus on an invisible element: ' + el.outerHTML.slice(0, 120);
                      if (getComputedStyle(el).outlineStyle === 'none') return 'no visible focus on ' + el.outerHTML.slice(0, 120);
                      if (el.tabIndex > 0) return 'positive tabindex on ' + el.outerHTML.slice(0, 120);
                      const before = window.__lastFocus;
                      window.__lastFocus = el;
                      const first = document.querySelector('a.skip');
                      if (before && before.isConnected && el !== first
                          && !(before.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING))
                        return 'focus went backwards to ' + el.outerHTML.slice(0, 120);
                      return null;
                    }""");
            if ("wrapped".equals(why)) {
                path.add("(end of page)");
                continue;
            }
            assertThat(why).as("Tab path so far: " + path).isNull();
            String now = focusedName(page);
            path.add(now);
            if (name.equals(now)) {
                return;
            }
        }
        throw new AssertionError("Tab never reached \"" + name + "\"; it went through " + path);
    }

    /** The focused element's accessible name (aria-label, aria-labelledby, its label, or its text). */
    static String focusedName(Page page) {
        return (String) page.evaluate("""
                () => { const el = document.activeElement;
                  const by = el.getAttribute('aria-labelledby');
                  const label = el.getAttribute('aria-label') || (by && document.getElementById(by)?.textContent)
                    || (el.labels && el.labels[0] && el.labels[0].textContent) || el.textContent || '';
                  return label.trim(); }""");
    }

    /** Nothing wider than the screen: no sideways scrolling, and no element poking out either side. */
    static void assertNoSidewaysOverflow(Page page, String where) {
        page.waitForTimeout(300); // layout after the last render
        Object out = page.evaluate("""
                () => {
                  const w = document.documentElement.clientWidth;
                  const bad = [];
                  if (document.documentElement.scrollWidth > w) bad.push('page scrolls sideways: ' + document.documentElement.scrollWidth + ' > ' + w);
                  for (const el of document.querySelectorAll('body *')) {
                    if (el.closest('.skip, .floats, [hidden]')) continue;
                    const r = el.getBoundingClientRect();
                    if (r.width === 0 && r.height === 0) continue;
                    if (r.right > w + 0.5 || r.left < -0.5) {
                      bad.push(el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).replace(/ /g, '.') : '')
                        + ' [' + Math.round(r.left) + ', ' + Math.round(r.right) + '] "' + (el.textContent || '').trim().slice(0, 40) + '"');
                    }
                  }
                  return bad.slice(0, 15);
                }""");
        assertThat((List<?>) out).as("elements wider than the %d px screen on %s", 375, where).isEmpty();
    }
}
