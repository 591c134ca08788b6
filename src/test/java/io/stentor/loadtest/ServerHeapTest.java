package io.stentor.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The heap instrument against a known amount: another JVM measured before and after it keeps 32 MiB. */
class ServerHeapTest {

    /** The measured process: on each line of input, keeps that many MiB (and makes twice as much garbage). */
    public static final class Holder {
        static final java.util.List<byte[]> KEPT = new java.util.ArrayList<>();

        public static void main(String[] args) throws Exception {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            System.out.println("ready");
            for (String line; (line = in.readLine()) != null; ) {
                int mib = Integer.parseInt(line.trim());
                for (int i = 0; i < mib; i++) {
                    KEPT.add(new byte[1 << 20]);
                    byte[] garbage = new byte[2 << 20]; // dropped at once: a full collection must not count it
                    garbage[0] = 1;
                }
                System.out.println("kept " + KEPT.size());
            }
        }
    }

    @Test
    void measuresTheLiveHeapAnotherJvmGainsAndNotItsGarbage() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process holder = new ProcessBuilder(java.toString(), "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                Holder.class.getName()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
             OutputStream in = holder.getOutputStream()) {
            assertThat(out.readLine()).isEqualTo("ready");
            long before = ServerHeap.liveBytes(holder.pid());
            assertThat(before).as("jcmd answered").isPositive();
            in.write("32\n".getBytes(StandardCharsets.UTF_8));
            in.flush();
            assertThat(out.readLine()).isEqualTo("kept 32");
            long after = ServerHeap.liveBytes(holder.pid());
            assertThat(after - before).isBetween(31L << 20, 34L << 20);
        } finally {
            holder.destroyForcibly().waitFor();
        }
    }

    @Test
    void readsTheTotalLineAndNothingElse() {
        String histogram = """
                 num     #instances         #bytes  class name (module)
                -------------------------------------------------------
                   1:         12345        6789012  [B (java.base@25)
                Total        123456        9876543
                """;
        assertThat(ServerHeap.totalOf(histogram)).isEqualTo(9876543L);
        assertThat(ServerHeap.totalOf("12345: Unable to open socket file")).isEqualTo(-1);
        assertThat(ServerHeap.liveBytes(Long.MAX_VALUE)).as("no such process").isEqualTo(-1);
    }
}
