package io.stentor.web;

import com.microsoft.playwright.Browser.NewContextOptions;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Playwright;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's Chromium driven by Playwright (no browser download), with a fake microphone that
 * plays a WAV file, and permission to use it. One per test class; close it at the end.
 */
public final class Browser implements AutoCloseable {

    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    private final Playwright playwright;
    private final com.microsoft.playwright.Browser browser;

    private Browser(Playwright playwright, com.microsoft.playwright.Browser browser) {
        this.playwright = playwright;
        this.browser = browser;
    }

    /** Starts headless Chromium; {@code microphoneWav} (or null) is what every page's microphone hears. */
    public static Browser start(Path microphoneWav) {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM), "Chromium is not installed (apt-get install chromium)");
        List<String> args = new ArrayList<>(List.of("--no-sandbox", "--disable-gpu", "--disable-quic",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                "--autoplay-policy=no-user-gesture-required"));
        if (microphoneWav != null) {
            args.add("--use-file-for-fake-audio-capture=" + microphoneWav.toAbsolutePath());
        }
        Playwright pw = Playwright.create(new Playwright.CreateOptions()
                .setEnv(java.util.Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        return new Browser(pw, pw.chromium().launch(new BrowserType.LaunchOptions()
                .setExecutablePath(CHROMIUM).setHeadless(true).setArgs(args)));
    }

    /** A fresh, isolated browser profile (its own cookies), like a second person on another computer. */
    public BrowserContext newPerson(String baseUrl) {
        BrowserContext ctx = browser.newContext(new NewContextOptions().setBaseURL(baseUrl)
                .setViewportSize(1200, 900));
        ctx.grantPermissions(List.of("microphone"));
        return ctx;
    }

    @Override
    public void close() {
        browser.close();
        playwright.close();
    }
}
