package io.stentor.loadtest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The live heap of a local Java server: the bytes its objects hold right after a full collection,
 * as {@code jcmd PID GC.class_histogram} counts them (the command collects first). Measured before
 * and after a crowd joins, the difference per listener is what one connected listener costs in
 * heap. Pauses the server for the collection (tens of milliseconds on a small heap), so it is taken
 * only outside the measurement window. -1 when it cannot be measured (not a JVM, no jcmd).
 */
final class ServerHeap {

    private ServerHeap() {
    }

    static long liveBytes(long pid) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        if (!Files.isExecutable(jcmd)) {
            return -1;
        }
        try {
            Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.class_histogram")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroy();
                return -1;
            }
            return totalOf(out);
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** The byte count of the histogram's last line, {@code Total  <instances>  <bytes>}; -1 if absent. */
    static long totalOf(String histogram) {
        for (String line : histogram.lines().toList().reversed()) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 3 && f[0].equals("Total")) {
                try {
                    return Long.parseLong(f[2]);
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }
}
