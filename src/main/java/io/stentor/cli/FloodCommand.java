package io.stentor.cli;

import io.stentor.flood.FloodKind;
import io.stentor.flood.FloodPlan;
import io.stentor.flood.FloodReport;
import io.stentor.flood.FloodRunner;
import io.stentor.loadtest.ClientSockets;
import io.stentor.server.Json;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code stentor flood}: a bounded attack drill against a server (loopback only unless
 * {@code --allow-remote}), reporting per kind of attack how the server answered.
 */
@Command(name = "flood", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Attack drill: send invalid tickets, junk, wrong logins, slow heads or reconnect storms to a "
                + "server and report how it answered.",
                "Bounded: at most --count attempts per kind and --duration; loopback targets only unless --allow-remote."})
public final class FloodCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--server", required = true, description = "Stentor server URL, e.g. http://127.0.0.1:8080.")
    String server;

    @Option(names = "--space", description = "Space id, for invalid-tickets and reconnect-storm.")
    String space;

    @Option(names = "--kind", required = true, split = ",", description = "One or more of: invalid-tickets, junk, "
            + "logins, slowloris, reconnect-storm (comma-separated or repeated).")
    List<String> kinds = new ArrayList<>();

    @Option(names = "--rate", defaultValue = "50", description = "Attempts per second per kind, open model: sent on "
            + "schedule whether or not earlier ones were answered (default ${DEFAULT-VALUE}, at most 20,000).")
    double rate;

    @Option(names = "--duration", defaultValue = "30", description = "Seconds the drill may run at most "
            + "(default ${DEFAULT-VALUE}, at most 600).")
    double durationSeconds;

    @Option(names = "--count", defaultValue = "100000", description = "Attempts per kind at most "
            + "(default ${DEFAULT-VALUE}, at most 1,000,000).")
    long count;

    @Option(names = "--connections", defaultValue = "1000", description = "Sockets open at once at most, slowloris "
            + "included (default ${DEFAULT-VALUE}; at most the process file limit less 256).")
    int connections;

    @Option(names = "--source-addresses", defaultValue = "8", description = "Source addresses 127.0.0.2.. to spread "
            + "connections over (loopback targets; default ${DEFAULT-VALUE}).")
    int sourceAddresses;

    @Option(names = "--handle", description = "Handle whose password the logins kind guesses (default: a random handle each time).")
    String handle;

    @Option(names = "--json", description = "Also write the report as JSON to this file.")
    Path json;

    @Option(names = "--allow-remote", description = "Allow a target outside 127.0.0.0/8. Be sure you may attack it.")
    boolean allowRemote;

    @Override
    public Integer call() throws Exception {
        FloodRunner runner = new FloodRunner(plan());
        PrintWriter err = spec.commandLine().getErr();
        boolean terminal = System.console() != null;
        long[] lastLine = {0};
        FloodReport report = runner.run(line -> {
            if (terminal) {
                err.print("\r" + line);
                err.flush();
            } else if (System.nanoTime() - lastLine[0] > 5_000_000_000L) { // not a terminal: a line every 5 s
                lastLine[0] = System.nanoTime();
                err.println("stentor flood: " + line);
                err.flush();
            }
        });
        if (terminal) {
            err.println();
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(report.summary());
        out.flush();
        if (json != null) {
            Files.write(json, Json.write(report));
        }
        return 0;
    }

    FloodPlan plan() {
        URI target = URI.create(server.replaceAll("/+$", ""));
        if (!(durationSeconds > 0) || durationSeconds > FloodPlan.MAX_DURATION.toSeconds()) {
            throw new IllegalArgumentException("--duration must be in (0, " + FloodPlan.MAX_DURATION.toSeconds() + "] s");
        }
        return new FloodPlan(target, space, kinds.stream().map(FloodKind::parse).distinct().toList(), rate,
                Duration.ofMillis((long) (durationSeconds * 1000)), count, connections,
                ClientSockets.sourceAddresses(target, sourceAddresses, 0), handle, allowRemote);
    }
}
