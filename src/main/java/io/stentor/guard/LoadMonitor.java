package io.stentor.guard;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorGroup;
import io.stentor.config.StentorConfig;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures how loaded the node is and turns that into a {@link GuardState}. Signals, sampled on
 * a timer: event-loop lag (a probe task's wait on each network loop), bytes queued to listeners'
 * sockets, heap in use after the last collections, and the process's CPU. The state rises as soon
 * as three samples in a row are over a threshold and steps down one level once every signal has
 * stayed under it for {@code overload.calm}. An admin may force a state. Thread-safe.
 */
public final class LoadMonitor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LoadMonitor.class);

    /** Samples in a row over a threshold before the state rises: a GC pause or a JIT burst is not overload. */
    static final int RISE_SAMPLES = 3;

    /** One sample of the signals. */
    public record Signals(double eventLoopLagMs, long queuedBytes, double heapPercent, double cpuPercent) {
    }

    /** What an operator sees: the state in force, what was measured, what was forced, and why. */
    public record Status(String state, String measured, String forced, Signals signals, List<String> reasons) {
    }

    private final StentorConfig.Overload cfg;
    private final List<EventExecutor> loops = new ArrayList<>();
    private final AtomicLong[] probeSent;
    private final AtomicLong[] lastLag;
    private final LongSupplier queuedBytes;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "load-monitor");
        t.setDaemon(true);
        return t;
    });
    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private volatile GuardState measured = GuardState.NORMAL;
    private volatile GuardState forced;
    private volatile Signals last = new Signals(0, 0, 0, 0);
    private volatile List<String> reasons = List.of();
    private GuardState pending = GuardState.NORMAL; // timer thread only
    private int pendingSamples;
    private long calmSince;

    public LoadMonitor(StentorConfig.Overload cfg, EventExecutorGroup networkLoops, LongSupplier queuedBytes,
            MeterRegistry registry) {
        this.cfg = cfg;
        networkLoops.forEach(loops::add);
        this.probeSent = new AtomicLong[loops.size()];
        this.lastLag = new AtomicLong[loops.size()];
        for (int i = 0; i < loops.size(); i++) {
            probeSent[i] = new AtomicLong();
            lastLag[i] = new AtomicLong();
        }
        this.queuedBytes = queuedBytes;
        Gauge.builder("stentor.guard.state", this, m -> m.state().ordinal())
                .description("Load state in force: 0 normal, 1 constrained, 2 critical").register(registry);
        Gauge.builder("stentor.guard.signal", this, m -> m.last.eventLoopLagMs()).tag("signal", "event_loop_lag_ms")
                .description("The load monitor's last sample of each signal").register(registry);
        Gauge.builder("stentor.guard.signal", this, m -> m.last.queuedBytes()).tag("signal", "queued_bytes").register(registry);
        Gauge.builder("stentor.guard.signal", this, m -> m.last.heapPercent()).tag("signal", "heap_percent").register(registry);
        Gauge.builder("stentor.guard.signal", this, m -> m.last.cpuPercent()).tag("signal", "cpu_percent").register(registry);
        long every = cfg.sampleInterval().toMillis();
        timer.scheduleAtFixedRate(this::sampleSafely, every, every, TimeUnit.MILLISECONDS);
    }

    /** The state in force: the forced one if an admin set one, else the measured one. */
    public GuardState state() {
        GuardState f = forced;
        return f != null ? f : measured;
    }

    /** Forces a state (null: back to measuring). */
    public void force(GuardState state) {
        forced = state;
        LOG.warn("load state {} by an admin", state == null ? "measured again" : "forced to " + state.label());
    }

    public Status status() {
        GuardState f = forced;
        return new Status(state().label(), measured.label(), f == null ? null : f.label(), last, reasons);
    }

    /** The event loops' lag at the last sample, in nanoseconds (how late a task queued now may run). */
    public long eventLoopLagNanos() {
        return (long) (last.eventLoopLagMs() * 1_000_000);
    }

    private void sampleSafely() {
        try {
            sample();
        } catch (RuntimeException e) {
            LOG.warn("load sample failed", e);
        }
    }

    private void sample() {
        long now = System.nanoTime();
        double lagMs = 0;
        for (int i = 0; i < loops.size(); i++) {
            long sent = probeSent[i].get();
            // A probe still waiting is lag too: a stuck loop must not look idle.
            long lag = sent != 0 ? now - sent : lastLag[i].get();
            lagMs = Math.max(lagMs, lag / 1e6);
            if (sent == 0 && probeSent[i].compareAndSet(0, now)) {
                int idx = i;
                loops.get(i).execute(() -> {
                    lastLag[idx].set(System.nanoTime() - probeSent[idx].get());
                    probeSent[idx].set(0);
                });
            }
        }
        Signals s = new Signals(lagMs, queuedBytes.getAsLong(), heapAfterCollection(), Math.max(0, os.getProcessCpuLoad() * 100));
        last = s;
        List<String> why = new ArrayList<>();
        GuardState level = level(s, why);
        reasons = List.copyOf(why);
        step(level, now);
    }

    private GuardState level(Signals s, List<String> why) {
        GuardState level = GuardState.NORMAL;
        level = over(level, s.eventLoopLagMs(), cfg.lagConstrained().toMillis(), cfg.lagCritical().toMillis(),
                "event-loop lag %.0f ms", why);
        level = over(level, s.queuedBytes() / 1048576.0, cfg.queuedConstrainedMib(), cfg.queuedCriticalMib(),
                "%.0f MiB queued to listeners", why);
        level = over(level, s.heapPercent(), cfg.heapConstrainedPercent(), cfg.heapCriticalPercent(),
                "heap %.0f%% after collection", why);
        level = over(level, s.cpuPercent(), cfg.cpuConstrainedPercent(), cfg.cpuCriticalPercent(), "CPU %.0f%%", why);
        return level;
    }

    private static GuardState over(GuardState level, double value, double constrained, double critical, String what,
            List<String> why) {
        GuardState here = value >= critical ? GuardState.CRITICAL : value >= constrained ? GuardState.CONSTRAINED : GuardState.NORMAL;
        if (here != GuardState.NORMAL) {
            why.add(String.format(java.util.Locale.ROOT, what, value));
        }
        return here.compareTo(level) > 0 ? here : level;
    }

    /** Up after {@link #RISE_SAMPLES} samples in a row; down one level after a calm period. */
    private void step(GuardState level, long now) {
        GuardState current = measured;
        if (level.compareTo(current) > 0) {
            pendingSamples = level == pending ? pendingSamples + 1 : 1;
            pending = level;
            calmSince = 0;
            if (pendingSamples >= RISE_SAMPLES) {
                change(current, level);
            }
            return;
        }
        pendingSamples = 0;
        if (level == current) {
            calmSince = 0;
            return;
        }
        if (calmSince == 0) {
            calmSince = now;
        } else if (now - calmSince >= cfg.calm().toNanos()) {
            change(current, GuardState.values()[current.ordinal() - 1]);
            calmSince = 0;
        }
    }

    private void change(GuardState from, GuardState to) {
        measured = to;
        LOG.warn("load state {} -> {}: {}", from.label(), to.label(), reasons.isEmpty() ? "calm again" : reasons);
    }

    private static double heapAfterCollection() {
        long used = 0;
        long max = Runtime.getRuntime().maxMemory();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                MemoryUsage after = pool.getCollectionUsage();
                used += after != null ? after.getUsed() : 0;
            }
        }
        return max <= 0 ? 0 : 100.0 * used / max;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
