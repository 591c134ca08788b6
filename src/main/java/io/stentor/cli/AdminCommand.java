package io.stentor.cli;

import io.stentor.account.AccountService;
import io.stentor.account.Role;
import io.stentor.account.User;
import io.stentor.store.Database;
import io.stentor.config.StentorConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code stentor admin}: account administration straight on the database (e.g. the first admin). */
@Command(name = "admin", mixinStandardHelpOptions = true, description = "Administer accounts directly in the database.",
        subcommands = {AdminCommand.CreateUser.class, AdminCommand.SetRole.class})
final class AdminCommand {

    static AccountService accounts(Database db, StentorConfig cfg) {
        return new AccountService(db.jdbi(), cfg.auth(), Clock.systemUTC());
    }

    @Command(name = "create-user", mixinStandardHelpOptions = true,
            description = "Create an account. The password is read from standard input unless --password is given.")
    static final class CreateUser implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--handle", required = true, description = "Public handle (3-30 letters, digits, _).")
        String handle;

        @Option(names = "--display-name", description = "Name shown beside the handle (default: the handle).")
        String displayName;

        @Option(names = "--role", defaultValue = "user", description = "user, moderator, admin or trusted_flagger.")
        String role;

        @Option(names = "--password", description = "The password (visible in process lists; prefer stdin).")
        String password;

        @Override
        public Integer call() throws Exception {
            Role r = Role.valueOf(role.toUpperCase(Locale.ROOT));
            String pw = password != null ? password
                    : new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            StentorConfig cfg = ConfigOptions.load(spec);
            try (Database db = Database.open(cfg.db())) {
                User u = accounts(db, cfg).create(handle, displayName == null ? handle : displayName, pw, r);
                System.out.println("created " + u.role().name().toLowerCase(Locale.ROOT) + " @" + u.handle() + " (id " + u.id() + ")");
            }
            return 0;
        }
    }

    @Command(name = "set-role", mixinStandardHelpOptions = true, description = "Change an account's role.")
    static final class SetRole implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--handle", required = true)
        String handle;

        @Option(names = "--role", required = true, description = "user, moderator, admin or trusted_flagger.")
        String role;

        @Override
        public Integer call() {
            StentorConfig cfg = ConfigOptions.load(spec);
            try (Database db = Database.open(cfg.db())) {
                User u = accounts(db, cfg).setRole(handle, Role.valueOf(role.toUpperCase(Locale.ROOT)));
                System.out.println("@" + u.handle() + " is now " + u.role().name().toLowerCase(Locale.ROOT));
            }
            return 0;
        }
    }
}
