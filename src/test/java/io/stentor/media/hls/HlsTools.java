package io.stentor.media.hls;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.stentor.support.Api;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/** HTTP fetches and the ffmpeg/ffprobe runs that judge our HLS output. Test code; any thread. */
final class HlsTools {

    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private HlsTools() {
    }

    static void assumeFfmpeg() {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/ffprobe")) && Files.isExecutable(Path.of("/usr/bin/ffmpeg")),
                "ffmpeg is not installed (apt-get install ffmpeg): the HLS output cannot be judged");
    }

    static HttpResponse<byte[]> get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The error code of a JSON error answer. */
    static String error(HttpResponse<byte[]> r) throws IOException {
        assertThat(r.headers().firstValue("content-type")).contains("application/json");
        return Api.JSON.readTree(r.body()).path("error").asText();
    }

    /** The URIs of a playlist's full segments (the lines after #EXTINF), in order. */
    static List<String> segments(String playlist) {
        List<String> out = new ArrayList<>();
        String[] lines = playlist.split("\n");
        for (int i = 0; i < lines.length - 1; i++) {
            if (lines[i].startsWith("#EXTINF:")) {
                out.add(lines[i + 1]);
            }
        }
        return out;
    }

    /** The value of a quoted URI attribute of the first line starting with {@code tag}, or null. */
    static String uriOf(String playlist, String tag) {
        Matcher m = Pattern.compile(Pattern.quote(tag) + ".*URI=\"([^\"]+)\"").matcher(playlist);
        return m.find() ? m.group(1) : null;
    }

    static long mediaSequence(String playlist) {
        Matcher m = Pattern.compile("#EXT-X-MEDIA-SEQUENCE:(\\d+)").matcher(playlist);
        assertThat(m.find()).as(playlist).isTrue();
        return Long.parseLong(m.group(1));
    }

    /** ffprobe's streams and format of a file or URL, failing on any complaint. */
    static JsonNode ffprobe(Path dir, String input) throws Exception {
        String out = run(dir, "/usr/bin/ffprobe", "-v", "error", "-show_entries",
                "stream=codec_name,codec_tag_string,sample_rate,channels:format=format_name,duration,start_time", "-of", "json", input);
        return Api.JSON.readTree(out);
    }

    /** ffmpeg's decoding of a file or URL (at most {@code seconds}) as 48 kHz mono 16-bit samples. */
    static short[] decode(Path dir, String input, double seconds) throws Exception {
        Path raw = Files.createTempFile(dir, "pcm", ".raw");
        run(dir, "/usr/bin/ffmpeg", "-v", "error", "-nostdin", "-y", "-i", input, "-t", Double.toString(seconds),
                "-f", "s16le", "-ac", "1", "-ar", "48000", raw.toString());
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(raw)).order(ByteOrder.LITTLE_ENDIAN);
        short[] pcm = new short[b.remaining() / 2];
        b.asShortBuffer().get(pcm);
        return pcm;
    }

    /** Runs a tool that must succeed without a word on stderr; returns its stdout. */
    static String run(Path dir, String... command) throws Exception {
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process p = new ProcessBuilder(command).directory(dir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            assertThat(p.waitFor(40, TimeUnit.SECONDS)).as("%s finished in time", command[0]).isTrue();
        } finally {
            p.destroyForcibly(); // our own child, by its handle
        }
        String complaints = Files.readString(err);
        assertThat(p.exitValue()).as(String.join(" ", command) + ": " + complaints).isZero();
        assertThat(complaints).as(String.join(" ", command) + " complaints").isEmpty();
        return Files.readString(out);
    }
}
