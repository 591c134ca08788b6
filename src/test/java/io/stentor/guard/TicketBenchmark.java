package io.stentor.guard;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What a join ticket costs the media endpoints: refusing a forged one (one HMAC), refusing junk
 * (no HMAC), accepting a valid one (HMAC and parse), and issuing one (what {@code POST /join}
 * adds). Compare with {@code JoinPathBenchmark}, the in-process work of a full listener join.
 *
 * <pre>bench/jmh.sh TicketBenchmark -f 1 -wi 3 -i 5 -w 1s -r 1s</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TicketBenchmark {

    JoinTickets tickets;
    String valid;
    String forged;

    @Setup
    public void setUp() {
        tickets = new JoinTickets(new byte[32], 60, Clock.systemUTC(), new SimpleMeterRegistry());
        valid = tickets.issue("3fRt8mQx2LpW9c", "anon:abcdefgh12345678", Tier.WEBSOCKET, Priority.ANONYMOUS);
        forged = valid.substring(0, valid.length() - 4) + "AAAA";
    }

    @Benchmark
    public Object rejectForged() {
        try {
            return tickets.verify(forged, "3fRt8mQx2LpW9c");
        } catch (RuntimeException refused) {
            return refused;
        }
    }

    @Benchmark
    public Object rejectJunk() {
        try {
            return tickets.verify("junk", "3fRt8mQx2LpW9c");
        } catch (RuntimeException refused) {
            return refused;
        }
    }

    @Benchmark
    public JoinTicket acceptValid() {
        return tickets.verify(valid, "3fRt8mQx2LpW9c");
    }

    @Benchmark
    public String issue() {
        return tickets.issue("3fRt8mQx2LpW9c", "anon:abcdefgh12345678", Tier.WEBSOCKET, Priority.ANONYMOUS);
    }
}
