package io.stentor.cli;

import io.stentor.config.StentorConfig;
import io.stentor.safety.TransparencyExport;
import io.stentor.server.Json;
import io.stentor.store.Database;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code stentor tdb}: statements of reasons for the EU DSA Transparency Database. */
@Command(name = "tdb", mixinStandardHelpOptions = true, description = "Statements of reasons for the EU DSA Transparency Database.",
        subcommands = {TdbCommand.Export.class})
final class TdbCommand {

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Write the statements decided since a day as JSON files of at most 100 statements "
                    + "({\"statements\": [...]}, the API's batch format), for manual upload.")
    static final class Export implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--since", required = true, description = "First day (YYYY-MM-DD, UTC).")
        LocalDate since;

        @Option(names = "--out", required = true, description = "Directory to write statements-NNNN.json into.")
        Path out;

        @Override
        public Integer call() throws Exception {
            StentorConfig cfg = ConfigOptions.load(spec);
            try (Database db = Database.open(cfg.db())) {
                List<Map<String, Object>> all = new TransparencyExport(db.jdbi()).since(since.atStartOfDay(ZoneOffset.UTC).toInstant());
                Files.createDirectories(out);
                int files = 0;
                for (int i = 0; i < all.size(); i += TransparencyExport.BATCH) {
                    List<Map<String, Object>> batch = all.subList(i, Math.min(all.size(), i + TransparencyExport.BATCH));
                    Files.write(out.resolve(String.format("statements-%04d.json", ++files)), Json.write(Map.of("statements", batch)));
                }
                spec.commandLine().getOut().println(all.size() + " statements in " + files + " files in " + out);
                return 0;
            }
        }
    }
}
