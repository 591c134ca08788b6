package io.stentor.cli;

import io.stentor.config.StentorConfig;
import io.stentor.safety.AuditLog;
import io.stentor.store.Database;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code stentor audit}: the trust &amp; safety audit log, straight on the database. */
@Command(name = "audit", mixinStandardHelpOptions = true, description = "Check the trust & safety audit log.",
        subcommands = {AuditCommand.Verify.class})
final class AuditCommand {

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Recompute the audit log's hash chain; exit 1 if an entry was edited, deleted or reordered.")
    static final class Verify implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            StentorConfig cfg = ConfigOptions.load(spec);
            try (Database db = Database.open(cfg.db())) {
                AuditLog.Verdict v = new AuditLog(db.jdbi(), Clock.systemUTC()).verify();
                if (v.intact()) {
                    spec.commandLine().getOut().println("audit log intact: " + v.entries() + " entries");
                    return 0;
                }
                spec.commandLine().getErr().println("audit log broken at entry " + v.brokenAt() + ": it " + v.problem()
                        + " (" + v.entries() + " entries before it are intact)");
                return 1;
            }
        }
    }
}
