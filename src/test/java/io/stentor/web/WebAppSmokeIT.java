package io.stentor.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import io.stentor.support.TestServer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The browser plumbing works: Chromium opens the app served by the real server. */
class WebAppSmokeIT {

    @Test
    void chromiumOpensTheHomePage() {
        try (TestServer ts = new TestServer(); Browser browser = Browser.start(null)) {
            BrowserContext person = browser.newPerson(ts.baseUrl());
            Page page = person.newPage();
            page.navigate("/");
            assertThat(page.title()).contains("Stentor");
            page.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target/screenshots/smoke-home.png")));
        }
    }
}
