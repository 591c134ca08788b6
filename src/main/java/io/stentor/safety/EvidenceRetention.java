package io.stentor.safety;

import io.stentor.space.SpaceEvent;
import io.stentor.space.SpaceObserver;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The evidence retention policy, run on one timer thread: every {@code interval} it captures the
 * PENDING evidence again (live ranges as they are recorded), then deletes what has been kept long
 * enough. A decided notice is kept until {@code retention} after its decision (the appeal window,
 * DSA Art 20(1): six months) and while an appeal against it is open; then its audio files are
 * deleted and its personal data (notifier name, email, explanation) redacted, while its category,
 * items, timestamps and decision stay for the transparency report. Undecided notices are kept.
 * Every expiry is audited. Also captures a space's PENDING evidence when the space ends.
 */
public final class EvidenceRetention implements SpaceObserver, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EvidenceRetention.class);
    private static final int BATCH = 100;

    private final EvidenceStore store;
    private final EvidenceRepository repo;
    private final AuditLog audit;
    private final Duration retention;
    private final Clock clock;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "evidence-retention");
        t.setDaemon(true);
        return t;
    });

    public EvidenceRetention(Jdbi jdbi, EvidenceStore store, Duration retention, Duration interval, Clock clock) {
        this.store = store;
        this.repo = new EvidenceRepository(jdbi);
        this.audit = new AuditLog(jdbi, clock);
        this.retention = retention;
        this.clock = clock;
        timer.scheduleWithFixedDelay(this::round, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void onEvent(String spaceId, SpaceEvent event) {
        if (event instanceof SpaceEvent.StateChanged sc && sc.change().equals("ended")) {
            try {
                // Off the publishing thread; the media plane, observing first, has closed the recording.
                timer.execute(() -> store.capturePending(spaceId));
            } catch (RejectedExecutionException shuttingDown) {
                LOG.debug("not capturing evidence of {}: shutting down", spaceId);
            }
        }
    }

    private void round() {
        try {
            store.capturePending(null);
            sweep();
        } catch (RuntimeException e) {
            LOG.warn("evidence retention round failed; trying again next round", e);
        }
    }

    /** Deletes the evidence and personal data of every notice past retention; returns how many. */
    int sweep() {
        Instant now = clock.instant();
        int done = 0;
        while (true) {
            List<EvidenceRepository.Expired> batch = repo.expired(now.minus(retention), BATCH);
            int progressed = 0;
            for (EvidenceRepository.Expired x : batch) {
                try {
                    x.files().forEach(f -> EvidenceStore.delete(Path.of(f)));
                    repo.redact(x.noticeId(), now);
                    audit.append(null, "retention.expired", x.noticeId(), "decision=" + x.decisionId()
                            + " evidence_files=" + x.files().size() + " retention=" + retention);
                    progressed++;
                } catch (RuntimeException e) {
                    // Left as it was (its files, its data) for the next round; the others go on.
                    LOG.warn("deleting the evidence of notice {} failed; trying again next round", x.noticeId(), e);
                }
            }
            done += progressed;
            if (batch.size() < BATCH || progressed == 0) {
                return done;
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
