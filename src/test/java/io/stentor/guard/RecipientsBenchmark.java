package io.stentor.guard;

import io.stentor.config.ConfigSources;
import io.stentor.safety.ActiveRecipients;
import io.stentor.store.Database;
import java.nio.file.Files;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What counting monthly active recipients (DSA Art 24(2)) adds to a join: a recipient already
 * seen this month ({@code seenAgain}: one set lookup) and a new one ({@code seenNew}: the lookup,
 * one HMAC-SHA256 and a queue append; the database write happens on a background thread, which
 * shares the machine with the benchmark, as it would with joins). Compare
 * with {@code TicketBenchmark.admitNewListener}, a whole admission.
 *
 * <pre>bench/jmh.sh 'RecipientsBenchmark|TicketBenchmark.admitNewListener' -f 1 -wi 3 -i 5 -w 2s -r 2s</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RecipientsBenchmark {

    java.nio.file.Path dir;
    Database db;
    ActiveRecipients recipients;
    long n;

    @Setup
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("stentor-bench-");
        db = Database.open(ConfigSources.defaultsWith(Map.of("data.dir", dir.toString())).db());
        recipients = new ActiveRecipients(db.jdbi(), SigningKey.of("", () -> new byte[32]), Clock.systemUTC());
        recipients.seen("anon:abcdefgh12345678");
    }

    @TearDown
    public void tearDown() throws java.io.IOException {
        recipients.close();
        db.close();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    @Benchmark
    public void seenAgain() {
        recipients.seen("anon:abcdefgh12345678");
    }

    /**
     * Always a recipient not in memory: ids cycle over twice the set's bound, so the set keeps
     * starting over, while the table stays at 500,000 rows (later writes find their row and add none).
     */
    @Benchmark
    public void seenNew() {
        recipients.seen("anon:" + (n++ % 500_000));
    }
}
