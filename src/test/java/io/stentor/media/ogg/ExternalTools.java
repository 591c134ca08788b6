package io.stentor.media.ogg;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs the command-line audio tools (ffmpeg, ffprobe, opus-tools, sox) that judge our files. Test code; any thread. */
final class ExternalTools {

    /** What a finished tool run left behind. */
    record Run(int exitCode, String stdout, String stderr) {
    }

    private ExternalTools() {
    }

    static boolean onPath(String tool) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    static Run run(Path workDir, String... command) throws IOException, InterruptedException {
        Path out = Files.createTempFile(workDir, "stdout", ".txt");
        Path err = Files.createTempFile(workDir, "stderr", ".txt");
        Process p = new ProcessBuilder(List.of(command))
                .directory(workDir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("timed out: " + String.join(" ", command));
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    /** Runs a command that must succeed, e.g. generating test input. */
    static Run runOk(Path workDir, String... command) throws IOException, InterruptedException {
        Run r = run(workDir, command);
        if (r.exitCode() != 0) {
            throw new IOException(String.join(" ", command) + " exited " + r.exitCode() + ": " + r.stderr());
        }
        return r;
    }

    /** A 440 Hz tone of this many seconds at 48 kHz mono, encoded by opusenc (20 ms packets unless told otherwise). */
    static Path opusencSine(Path dir, int seconds, String name, String... opusencOptions) throws IOException, InterruptedException {
        Path wav = dir.resolve(name + ".wav");
        // opusenc reads 16-bit PCM but not sox's default 32-bit integer output
        runOk(dir, "sox", "-n", "-r", "48000", "-c", "1", "-b", "16", wav.toString(),
                "synth", String.valueOf(seconds), "sine", "440", "vol", "0.5");
        Path opus = dir.resolve(name);
        List<String> command = new ArrayList<>(List.of("opusenc", "--quiet"));
        command.addAll(List.of(opusencOptions));
        command.addAll(List.of(wav.toString(), opus.toString()));
        runOk(dir, command.toArray(String[]::new));
        return opus;
    }

    /** ffprobe's codec, rate, channels, start and duration for the file, failing on any complaint. */
    static JsonNode ffprobe(Path dir, Path file) throws IOException, InterruptedException {
        Run r = runOk(dir, "ffprobe", "-v", "error", "-show_entries", "stream=codec_name,sample_rate,channels",
                "-show_entries", "format=duration,start_time", "-of", "json", file.toString());
        assertThat(r.stderr()).as("ffprobe complaints").isEmpty();
        return new ObjectMapper().readTree(r.stdout());
    }

    /** The "Playback length: 0m:03.000s" opusinfo prints, in seconds. */
    static double playbackSeconds(Run opusinfo) {
        Matcher m = Pattern.compile("Playback length: (\\d+)m:([\\d.]+)s").matcher(opusinfo.stdout());
        assertThat(m.find()).as("opusinfo output: " + opusinfo.stdout()).isTrue();
        return Integer.parseInt(m.group(1)) * 60 + Double.parseDouble(m.group(2));
    }

    /** The file decoded by opusdec to 32-bit float samples (float output, so no dither makes two runs differ). */
    static float[] opusdecFloat(Path dir, Path opus) throws IOException, InterruptedException {
        Path wav = dir.resolve(opus.getFileName() + ".wav");
        runOk(dir, "opusdec", "--quiet", "--float", opus.toString(), wav.toString());
        return wavFloats(wav);
    }

    /** Samples of a 32-bit float WAV as opusdec writes it: the "data" chunk, little-endian. */
    static float[] wavFloats(Path wav) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(wav)).order(ByteOrder.LITTLE_ENDIAN);
        b.position(12);
        while (b.remaining() >= 8) {
            String id = new String(new byte[] {b.get(), b.get(), b.get(), b.get()}, StandardCharsets.US_ASCII);
            int size = b.getInt();
            if (id.equals("data")) {
                // a streaming writer may leave the size unset; take what is there
                int n = Math.min(size < 0 ? Integer.MAX_VALUE : size, b.remaining()) / 4;
                float[] out = new float[n];
                b.asFloatBuffer().get(out);
                return out;
            }
            b.position(b.position() + size + (size & 1));
        }
        throw new IOException("no data chunk in " + wav);
    }
}
