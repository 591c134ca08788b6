package io.stentor.media.hls;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import io.stentor.support.Api;
import io.stentor.support.MediaClient;
import io.stentor.support.TestServer;
import io.stentor.web.Browser;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What hls.js does in a browser, without hls.js: Chromium's Media Source Extensions take our init
 * segment, segments and parts as {@code audio/mp4; codecs="opus"} and play them. (hls.js feeds MSE
 * exactly these bytes with the type from CODECS; skipped without Debian's Chromium.)
 */
class BrowserMseIT {

    /** Appends init, the last two segments and the open segment's parts to a SourceBuffer, then plays. */
    private static final String APPEND_AND_PLAY = """
            async (base) => {
              const type = 'audio/mp4; codecs="opus"';
              if (!MediaSource.isTypeSupported(type)) return { error: 'type not supported' };
              const audio = document.createElement('audio');
              document.body.appendChild(audio);
              const ms = new MediaSource();
              audio.src = URL.createObjectURL(ms);
              await new Promise(r => ms.addEventListener('sourceopen', r, { once: true }));
              const sb = ms.addSourceBuffer(type);
              const append = buf => new Promise((ok, bad) => {
                sb.addEventListener('updateend', ok, { once: true });
                sb.addEventListener('error', () => bad(new Error('append failed')), { once: true });
                sb.appendBuffer(buf);
              });
              const get = async name => (await (await fetch(base + name)).arrayBuffer());
              const playlist = await (await fetch(base + 'index.m3u8')).text();
              const lines = playlist.split('\\n');
              const segments = lines.filter((l, i) => i > 0 && lines[i - 1].startsWith('#EXTINF'));
              const last = segments[segments.length - 1];
              const msn = uri => Number(uri.split('-')[1].split('.')[0]);
              const open = [...playlist.matchAll(/#EXT-X-PART:[^\\n]*URI="([^"]+)"/g)].map(m => m[1])
                  .filter(u => msn(u) > msn(last)); // parts of the segment after the last full one
              await append(await get('init.mp4'));
              for (const s of segments.slice(-2)) await append(await get(s));
              for (const p of open) await append(await get(p));
              const b = sb.buffered;
              audio.currentTime = b.start(0);
              await audio.play();
              await new Promise(r => setTimeout(r, 1500));
              return { ranges: b.length, start: b.start(0), end: b.end(b.length - 1), parts: open.length,
                       played: audio.currentTime - b.start(0), error: audio.error ? audio.error.code : 0 };
            }
            """;

    @Test
    void chromiumsMediaSourcePlaysTheSegmentsAndPartsAsAudioMp4Opus() throws Exception {
        try (Browser browser = Browser.start(null); TestServer ts = new TestServer()) {
            Api host = ts.api().registerAndLogin("msehost");
            String id = host.post("/api/v1/spaces", Map.of("title", "MSE")).json().at("/space/id").asText();
            try (MediaClient mic = MediaClient.speaker(ts, id, host.token()).sendTone(440)) {
                HlsIT.awaitSegments(ts.baseUrl() + "/spaces/" + id + "/hls/", 2);
                BrowserContext person = browser.newPerson(ts.baseUrl());
                Page page = person.newPage();
                page.navigate("/");
                @SuppressWarnings("unchecked")
                Map<String, Object> r = (Map<String, Object>) page.evaluate(APPEND_AND_PLAY,
                        ts.baseUrl() + "/spaces/" + id + "/hls/");
                assertThat(r).as("in Chromium: %s", r).containsEntry("error", 0).containsEntry("ranges", 1);
                double buffered = ((Number) r.get("end")).doubleValue() - ((Number) r.get("start")).doubleValue();
                int parts = ((Number) r.get("parts")).intValue();
                assertThat(buffered).as("two segments and %d parts, without gaps", parts)
                        .isCloseTo(4.0 + 0.5 * parts, org.assertj.core.data.Offset.offset(0.05));
                assertThat(((Number) r.get("played")).doubleValue()).as("played for 1.5 s").isGreaterThan(1.0);
                person.close();
            }
        }
    }
}
