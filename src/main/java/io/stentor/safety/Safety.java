package io.stentor.safety;

import io.stentor.account.AccountRestrictions;
import io.stentor.account.UserRepository;
import io.stentor.config.StentorConfig;
import io.stentor.guard.SigningKey;
import io.stentor.notification.Notifier;
import io.stentor.server.Router;
import io.stentor.space.SpaceModeration;
import io.stentor.space.SpaceService;
import io.stentor.space.StageService;
import java.time.Clock;
import org.jdbi.v3.core.Jdbi;

/**
 * The trust &amp; safety part put together: notices, moderation, enforcement, appeals and the
 * misuse policy over one repository and one audit log, and their routes. Built once at start-up.
 */
public final class Safety {

    private Safety() {
    }

    /** Builds the part and registers its routes; returns the notices' service (evidence is wired onto it). */
    public static SafetyService register(Router router, Jdbi jdbi, SpaceService spaces, StageService stage, UserRepository users,
            Notifier notifier, Terms terms, SigningKey key, ModeratedReplays replays, StentorConfig.Misuse misuseCfg, Clock clock) {
        SafetyRepository repo = new SafetyRepository(jdbi);
        AuditLog audit = new AuditLog(jdbi, clock);
        AccountRestrictions restrictions = new AccountRestrictions(jdbi);
        Enforcement enforcement = new Enforcement(spaces, new SpaceModeration(spaces, stage), restrictions, replays, clock);
        MisusePolicy misuse = new MisusePolicy(jdbi, misuseCfg, restrictions, notifier, audit, clock);
        Moderation moderation = new Moderation(repo, spaces, users, enforcement, misuse, notifier, terms, audit,
                new TransparencyExport(jdbi), new TdbOutbox(jdbi, clock), clock);
        misuse.suspender(moderation::recordMisuseSuspension);
        Appeals appeals = new Appeals(repo, enforcement, notifier, audit, key, clock);
        SafetyService notices = new SafetyService(repo, spaces, audit, misuse, restrictions, clock);
        new SafetyRoutes(notices, moderation, appeals, terms).register(router);
        return notices;
    }
}
