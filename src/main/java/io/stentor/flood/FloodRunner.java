package io.stentor.flood;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.stentor.loadtest.ClientSockets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Runs a {@link FloodPlan}: every kind makes its attempts on schedule (attempt i of a kind is due
 * at {@code i / rate}, whether or not earlier ones were answered: an open model), each on a new
 * connection from the next source address, never more than {@code connections} sockets at once
 * (an attempt due while all are busy is counted as skipped, not delayed). It stops by itself:
 * after {@code count} attempts per kind and their answers (at most {@value #DRAIN_SECONDS} s more),
 * or when {@code duration} is up, whichever comes first; slowloris connections are held until
 * the duration is up or the server has closed them all. One run per instance; the calling thread
 * paces the attempts, the client's event loops do the rest.
 */
public final class FloodRunner {

    static final int DRAIN_SECONDS = 5;

    private final FloodPlan plan;
    private final List<Attack> attacks = new ArrayList<>();
    private final List<KindTally> tallies = new ArrayList<>();
    private final Semaphore sockets;
    private final Set<Channel> open = ConcurrentHashMap.newKeySet();
    private volatile boolean over;

    public FloodRunner(FloodPlan plan) {
        this.plan = plan;
        this.sockets = new Semaphore(plan.connections());
        String host = plan.hostHeader();
        for (FloodKind k : plan.kinds()) {
            attacks.add(switch (k) {
                case INVALID_TICKETS -> new InvalidTickets(host, plan.space());
                case JUNK -> new JunkRequests(host);
                case LOGINS -> new WrongLogins(host, plan.handle());
                case SLOWLORIS -> new Slowloris(host);
                case RECONNECT_STORM -> new ReconnectStorm(host, plan.space());
            });
            tallies.add(new KindTally(k));
        }
    }

    /** Runs the drill to its end; {@code progress} gets a one-line status about once a second. */
    public FloodReport run(Consumer<String> progress) {
        long start = System.nanoTime();
        long end = start + plan.duration().toNanos();
        long interval = (long) (1e9 / plan.ratePerSecond());
        long[] made = new long[attacks.size()];
        long nextProgress = start + 1_000_000_000L;
        try (ClientSockets client = new ClientSockets(plan.server(), plan.sources(), 5000)) {
            while (true) {
                int k = -1;
                for (int i = 0; i < made.length; i++) { // the kind whose next attempt is due first
                    if (made[i] < plan.count() && (k < 0 || made[i] < made[k])) {
                        k = i;
                    }
                }
                long due = k < 0 ? Long.MAX_VALUE : start + made[k] * interval;
                if (k < 0 || due >= end) {
                    break;
                }
                nextProgress = waitUntil(Math.min(due, end), nextProgress, start, progress);
                attempt(client, attacks.get(k), tallies.get(k), made[k]++, due);
            }
            boolean holding = plan.kinds().contains(FloodKind.SLOWLORIS);
            long drainEnd = holding ? end : Math.min(end, System.nanoTime() + DRAIN_SECONDS * 1_000_000_000L);
            while (!open.isEmpty() && System.nanoTime() < drainEnd) {
                nextProgress = waitUntil(Math.min(drainEnd, System.nanoTime() + 50_000_000L), nextProgress, start, progress);
            }
            over = true;
            for (Channel ch : open) {
                ch.close();
            }
        }
        progress.accept(progressLine(start));
        List<FloodReport.KindResult> results = tallies.stream().map(KindTally::result).toList();
        return new FloodReport(plan.server().toString(), plan.ratePerSecond(), plan.count(), plan.connections(),
                plan.sources().size(), Math.round((System.nanoTime() - start) / 1e6) / 1e3, results);
    }

    private void attempt(ClientSockets client, Attack attack, KindTally tally, long n, long due) {
        tally.attempts.increment();
        if (!sockets.tryAcquire()) {
            tally.skipped.increment();
            return;
        }
        ChannelFuture f = client.connect(n, ch -> ch.pipeline().addLast(new HttpResponseDecoder(),
                new AttemptHandler(attack, n, due, tally, () -> over)));
        Channel ch = f.channel();
        open.add(ch);
        ch.closeFuture().addListener(x -> {
            open.remove(ch);
            sockets.release();
        });
        f.addListener(done -> {
            if (!done.isSuccess() && !over) {
                tally.connectFailed(done.cause());
            }
        });
    }

    /** Parks until {@code until}, reporting progress on the way; returns when the next progress line is due. */
    private long waitUntil(long until, long nextProgress, long start, Consumer<String> progress) {
        long now;
        while ((now = System.nanoTime()) < until) {
            if (now >= nextProgress) {
                progress.accept(progressLine(start));
                nextProgress += 1_000_000_000L;
            }
            LockSupport.parkNanos(Math.min(until, nextProgress) - now);
        }
        if (now >= nextProgress) {
            progress.accept(progressLine(start));
            nextProgress = now + 1_000_000_000L;
        }
        return nextProgress;
    }

    private String progressLine(long start) {
        long attempts = 0, answered = 0, refused = 0, closed = 0, errors = 0, skipped = 0;
        for (KindTally t : tallies) {
            attempts += t.attempts.sum();
            answered += t.answered.sum();
            refused += t.closedOnConnect.sum();
            closed += t.closedByServer.sum();
            errors += t.connectErrors.sum();
            skipped += t.skipped.sum();
        }
        return String.format(Locale.ROOT, "%5.1f s  %d attempts, %d answered, %d open, %d refused on connect, "
                        + "%d closed by server, %d connect errors, %d skipped (client at --connections)",
                (System.nanoTime() - start) / 1e9, attempts, answered, open.size(), refused, closed, errors, skipped);
    }

    /** Sockets open now (for tests). */
    int openSockets() {
        return open.size();
    }
}
