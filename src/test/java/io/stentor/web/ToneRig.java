package io.stentor.web;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import io.stentor.support.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What a browser test class of the web app shares, as a JUnit extension
 * ({@code @RegisterExtension static final ToneRig rig = new ToneRig();}): one server, and one
 * headless Chromium whose fake microphone plays a 440 Hz tone, for the class; the people (browser
 * contexts) of each test, closed after it. Used from one test thread.
 */
final class ToneRig implements BeforeAllCallback, AfterAllCallback, AfterEachCallback {

    private TestServer server;
    private Browser browser;
    private final List<BrowserContext> people = new ArrayList<>();

    /** Starts a server that flushes live events every 200 ms, and Chromium speaking a 440 Hz tone into every microphone. */
    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        Path wav = Files.createTempFile("stentor-mic-", ".wav");
        Files.write(wav, WebAppIT.toneWav(440, 4));
        server = new TestServer(Map.of("events.flush-interval", "200ms"));
        browser = Browser.start(wav);
    }

    TestServer server() {
        return server;
    }

    /** A new person (their own cookies) on {@code on}, closed after the test. */
    BrowserContext person(TestServer on) {
        BrowserContext ctx = browser.newPerson(on.baseUrl());
        people.add(ctx);
        return ctx;
    }

    /** A new person's page on {@code on}, with page errors and console warnings logged. */
    Page page(TestServer on) {
        Page page = person(on).newPage();
        page.setDefaultTimeout(15_000);
        page.onPageError(e -> System.out.println("[page error] " + e));
        page.onConsoleMessage(m -> {
            if (m.type().equals("error") || m.type().equals("warning")) {
                System.out.println("[console " + m.type() + "] " + m.text());
            }
        });
        return page;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        people.forEach(BrowserContext::close);
        people.clear();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }
}
