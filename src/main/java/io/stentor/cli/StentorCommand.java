package io.stentor.cli;

import io.stentor.config.ConfigException;
import io.stentor.error.StentorException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code stentor} command line: {@code serve}, {@code admin}, {@code audit}, {@code speak}, {@code loadtest}, {@code flood}. */
@Command(name = "stentor", mixinStandardHelpOptions = true, version = "stentor 0.1.0",
        description = "Live audio conversations for very large audiences.",
        subcommands = {ServeCommand.class, AdminCommand.class, AuditCommand.class, TdbCommand.class, SpeakCommand.class,
            LoadTestCommand.class, FloodCommand.class})
public final class StentorCommand {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        CommandLine cmd = new CommandLine(new StentorCommand());
        ConfigOptions.addTo(cmd.getSubcommands().get("serve").getCommandSpec());
        CommandLine admin = cmd.getSubcommands().get("admin");
        admin.getSubcommands().values().forEach(sub -> ConfigOptions.addTo(sub.getCommandSpec()));
        for (String withDatabase : new String[] {"audit", "tdb"}) {
            cmd.getSubcommands().get(withDatabase).getSubcommands().values().forEach(sub -> ConfigOptions.addTo(sub.getCommandSpec()));
        }
        cmd.setExecutionExceptionHandler((e, c, parsed) -> {
            // Expected failures get one clear line, not a stack trace.
            if (e instanceof ConfigException || e instanceof StentorException || e instanceof IllegalArgumentException) {
                c.getErr().println("stentor: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        return cmd;
    }
}
