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
 * (no HMAC), accepting a valid one (HMAC and parse), issuing one, and a whole admission
 * ({@code admitNewListener}). Compare with {@code JoinPathBenchmark} (routing and the audience).
 *
 * <pre>bench/jmh.sh TicketBenchmark -f 1 -wi 3 -i 5 -w 1s -r 1s</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TicketBenchmark {

    JoinTickets tickets;
    Admission admission;
    String valid;
    String forged;
    long n;

    @Setup
    public void setUp() {
        tickets = new JoinTickets(new byte[32], 60, Clock.systemUTC(), new SimpleMeterRegistry());
        valid = tickets.issue("3fRt8mQx2LpW9c", "anon:abcdefgh12345678", Tier.WEBSOCKET, Priority.ANONYMOUS);
        forged = valid.substring(0, valid.length() - 4) + "AAAA";
        admission = new Admission(new io.stentor.config.StentorConfig.Admission(Integer.MAX_VALUE - 1, Integer.MAX_VALUE - 1,
                1_000_000, 100_000, java.time.Duration.ofSeconds(30), java.time.Duration.ofSeconds(60),
                java.time.Duration.ofMinutes(10), false), () -> GuardState.NORMAL, tickets, () -> 0, () -> 0, new SimpleMeterRegistry());
    }

    @org.openjdk.jmh.annotations.TearDown
    public void tearDown() {
        admission.close();
    }

    /**
     * A new anonymous listener all the way in, without the network: the admission decision and a
     * fresh ticket (POST /join), then the media endpoint's check, claim and hand-back.
     */
    @Benchmark
    public JoinTicket admitNewListener() {
        Admission.Decision d = admission.join(new Admission.Request("3fRt8mQx2LpW9c", "anon:" + (n++), Priority.ANONYMOUS,
                Tier.WEBSOCKET, () -> false, null));
        JoinTicket t = tickets.verify(((Admission.Admitted) d).ticket(), "3fRt8mQx2LpW9c");
        tickets.claim(t);
        admission.connected(t);
        tickets.release(t);
        return t;
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
