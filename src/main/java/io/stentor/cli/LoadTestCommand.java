package io.stentor.cli;

import io.stentor.loadtest.ClientSockets;
import io.stentor.loadtest.LoadGenerator;
import io.stentor.loadtest.LoadReport;
import io.stentor.server.Json;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicIntegerArray;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code stentor loadtest}: puts a crowd of listeners on a Stentor space (WebSocket or Ogg tier) or
 * on any Icecast-compatible Ogg URL, and reports joins, latency, losses, starvation and CPU.
 */
@Command(name = "loadtest", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Put a crowd of listeners on a server and measure what they get.",
                "Bounded: a fixed number of listeners and a fixed duration; loopback targets only unless --allow-remote."})
public final class LoadTestCommand implements Callable<Integer> {

    private static final int MAX_LISTENERS = 200_000;
    private static final int PER_PROCESS = 15_000; // each process may open 20,000 files here

    @Option(names = "--url", split = ",", description = "What to listen to: ws://HOST/api/v1/spaces/ID/listen, "
            + "http://HOST/spaces/ID/live.opus, http://HOST/spaces/ID/hls/index.m3u8 (LL-HLS), or any Icecast URL. Repeat (or separate with commas) for several servers: "
            + "listeners are spread over them round-robin and the report gives each one's figures and their sums.")
    List<URI> urls = new ArrayList<>();

    @Option(names = {"--server", "--servers"}, split = ",", description = "Stentor server URL, with --space and --tier "
            + "instead of --url. Repeat (or separate with commas) to drive several edges of one cluster at once.")
    List<String> servers = new ArrayList<>();

    @Option(names = "--origin", description = "Where --speak-token speakers speak (the cluster's origin); default the first --server.")
    String origin;

    @Option(names = "--space", description = "Space id (with --server).")
    String space;

    @Option(names = "--tier", defaultValue = "ws", description = "ws (media WebSocket), ogg (HTTP Ogg stream) or hls (LL-HLS players: blocking playlist reload, "
            + "every part fetched), with --server. Default ${DEFAULT-VALUE}.")
    String tier;

    @Option(names = "--join", description = "Join as browsers do: each listener asks the origin (the first --server or "
            + "--url) POST /api/v1/spaces/ID/join, waits in line or solves a proof of work when told, and listens where "
            + "the answer says (an edge, from an origin with edges); the report gives each server's figures and the "
            + "admission latency. Tiers ws and ogg.")
    boolean join;

    @Option(names = "--listeners", required = true, description = "How many listeners (at most 200,000).")
    int listeners;

    @Option(names = "--arrival-rate", defaultValue = "500", description = "New listeners per second, open model (default ${DEFAULT-VALUE}).")
    double arrivalRate;

    @Option(names = "--warmup", defaultValue = "2", description = "Seconds after the last arrival before measuring (default ${DEFAULT-VALUE}).")
    double warmupSeconds;

    @Option(names = "--hold", defaultValue = "10", description = "Seconds of measurement with everyone connected (default ${DEFAULT-VALUE}, at most 600).")
    double holdSeconds;

    @Option(names = "--sources", defaultValue = "8", description = "Source addresses 127.0.0.2.. to spread connections over (loopback targets; default ${DEFAULT-VALUE}).")
    int sources;

    @Option(names = "--processes", defaultValue = "0", description = "Client processes (0 = one per 15,000 listeners).")
    int processes;

    @Option(names = "--server-pid", split = ",", description = "PID of a local server process, to report its CPU and memory. "
            + "Repeat for several servers, in the order of --server/--url: each one's figures, and their sum.")
    List<Long> serverPids = new ArrayList<>();

    @Option(names = "--server-heap", description = "With --server-pid (a Stentor server): also measure its live heap "
            + "after a full GC (jcmd GC.class_histogram) before the first arrival and at the end of the window, and report "
            + "the growth per connected listener. Pauses the server briefly twice, outside the window.")
    boolean serverHeap;

    @Option(names = "--speak-token", description = "Bearer token of someone on the space's stage: they speak a synthetic tone "
            + "for the whole run (with --server and --space; repeat for several speakers).")
    List<String> speakTokens = new ArrayList<>();

    @Option(names = "--json", description = "Also write the report as JSON to this file.")
    Path json;

    @Option(names = "--allow-remote", description = "Allow a target outside 127.0.0.0/8. Be sure you may load it.")
    boolean allowRemote;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--child", hidden = true)
    boolean child;

    @Option(names = "--source-offset", hidden = true, defaultValue = "0")
    int sourceOffset;

    @Override
    public Integer call() throws Exception {
        List<URI> targets = targets();
        if (listeners < 1 || listeners > MAX_LISTENERS) {
            throw new IllegalArgumentException("--listeners must be 1.." + MAX_LISTENERS);
        }
        if (holdSeconds <= 0 || holdSeconds > 600 || warmupSeconds < 0 || warmupSeconds > 120 || arrivalRate <= 0) {
            throw new IllegalArgumentException("--hold must be in (0, 600] s, --warmup in [0, 120] s, --arrival-rate > 0");
        }
        targets.forEach(t -> ClientSockets.checkTarget(t, allowRemote));
        if (join && (targets.size() > 1 || tier.equals("hls") || targets.get(0).getPath().endsWith(".m3u8"))) {
            throw new IllegalArgumentException("--join takes one server (the origin) and the ws or ogg tier");
        }
        int procs = processes > 0 ? processes : (listeners + PER_PROCESS - 1) / PER_PROCESS;
        List<Thread> speakers = startSpeakers();
        LoadReport report;
        try {
            report = procs <= 1 || child ? runHere(targets) : runInChildren(targets, procs);
        } finally {
            stopSpeakers.set(true);
            for (Thread t : speakers) {
                t.join(2000);
            }
        }
        if (child) {
            System.out.println("REPORT " + Json.writeString(report));
            return 0;
        }
        spec.commandLine().getOut().print(report.summary());
        spec.commandLine().getOut().flush();
        if (json != null) {
            Files.write(json, Json.write(report));
        }
        return 0;
    }

    private final java.util.concurrent.atomic.AtomicBoolean stopSpeakers = new java.util.concurrent.atomic.AtomicBoolean();

    /** Speakers sending synthetic Opus (a different tone each) for the whole run, as `stentor speak --tone` does. */
    private List<Thread> startSpeakers() {
        List<Thread> threads = new ArrayList<>();
        if (speakTokens.isEmpty() || child) {
            return threads;
        }
        if (servers.isEmpty() || space == null) {
            throw new IllegalArgumentException("--speak-token needs --server and --space");
        }
        String server = origin != null ? origin : servers.get(0);
        for (int i = 0; i < speakTokens.size(); i++) {
            String token = speakTokens.get(i);
            double hz = 330 + 110 * i;
            SpeakerConnection mic = SpeakerConnection.open(server, space, token, text -> { });
            threads.add(Thread.ofPlatform().name("loadtest-speaker-" + i).daemon().start(() -> {
                try (mic) {
                    mic.stream(new SpeakCommand.TonePackets(io.stentor.media.codec.OpusCodec.select("auto"), hz, 0.3),
                            Long.MAX_VALUE, stopSpeakers::get);
                } catch (Exception e) {
                    System.err.println("stentor loadtest: speaker " + hz + " Hz stopped: " + e.getMessage());
                }
            }));
        }
        return threads;
    }

    private LoadReport runHere(List<URI> targets) throws Exception {
        LoadGenerator gen = new LoadGenerator(new LoadGenerator.Plan(targets, listeners, arrivalRate,
                Duration.ofMillis((long) (warmupSeconds * 1000)), Duration.ofMillis((long) (holdSeconds * 1000)),
                ClientSockets.sourceAddresses(targets.get(0), sources, sourceOffset), serverPids, join, serverHeap));
        if (child) {
            return gen.run(n -> System.out.println("PROGRESS " + n));
        }
        if (System.console() == null) { // not a terminal: a line every few seconds instead of a bar
            long[] last = {0};
            return gen.run(n -> {
                if (System.nanoTime() - last[0] > 5_000_000_000L) {
                    last[0] = System.nanoTime();
                    System.err.println("stentor loadtest: " + n + "/" + listeners + " listeners receiving audio");
                }
            });
        }
        try (ProgressBar bar = bar()) {
            return gen.run(bar::stepTo);
        }
    }

    private LoadReport runInChildren(List<URI> targets, int procs) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<Process> children = new ArrayList<>();
        int perSource = Math.max(1, sources / procs);
        for (int i = 0; i < procs; i++) {
            int n = listeners / procs + (i < listeners % procs ? 1 : 0);
            List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                    System.getProperty("java.class.path"), StentorCommand.class.getName(), "loadtest",
                    "--url", String.join(",", targets.stream().map(URI::toString).toList()), "--listeners", Integer.toString(n),
                    "--arrival-rate", Double.toString(arrivalRate * n / listeners),
                    "--warmup", Double.toString(warmupSeconds), "--hold", Double.toString(holdSeconds),
                    "--sources", Integer.toString(perSource), "--source-offset", Integer.toString(i * perSource),
                    "--child"));
            if (join) {
                cmd.add("--join");
            }
            if (i == 0 && !serverPids.isEmpty()) { // one process measures the servers
                cmd.addAll(List.of("--server-pid", String.join(",", serverPids.stream().map(String::valueOf).toList())));
                if (serverHeap) {
                    cmd.add("--server-heap");
                }
            }
            if (allowRemote) {
                cmd.add("--allow-remote");
            }
            children.add(new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start());
        }
        AtomicIntegerArray progress = new AtomicIntegerArray(procs);
        List<LoadReport> parts = new ArrayList<>();
        List<Thread> readers = new ArrayList<>();
        for (int i = 0; i < procs; i++) {
            int index = i;
            Process p = children.get(i);
            readers.add(Thread.ofPlatform().daemon().start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        if (line.startsWith("PROGRESS ")) {
                            progress.set(index, Integer.parseInt(line.substring(9).trim()));
                        } else if (line.startsWith("REPORT ")) {
                            synchronized (parts) {
                                parts.add(Json.MAPPER.readValue(line.substring(7), LoadReport.class));
                            }
                        }
                    }
                } catch (Exception e) {
                    System.err.println("stentor loadtest: child " + index + ": " + e.getMessage());
                }
            }));
        }
        try (ProgressBar bar = bar()) {
            while (readers.stream().anyMatch(Thread::isAlive)) {
                int sum = 0;
                for (int i = 0; i < procs; i++) {
                    sum += progress.get(i);
                }
                bar.stepTo(sum);
                Thread.sleep(200);
            }
        }
        for (Process p : children) {
            p.waitFor();
        }
        if (parts.size() != procs) {
            throw new IllegalStateException("only " + parts.size() + " of " + procs + " client processes reported");
        }
        return LoadReport.merge(parts);
    }

    private ProgressBar bar() {
        return new ProgressBarBuilder().setTaskName("listeners joined").setInitialMax(listeners)
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500).continuousUpdate().build();
    }

    private List<URI> targets() {
        if (!urls.isEmpty()) {
            return urls;
        }
        if (servers.isEmpty() || space == null) {
            throw new IllegalArgumentException("give --url, or --server with --space (and --tier ws|ogg)");
        }
        return servers.stream().map(server -> {
            String base = server.replaceAll("/+$", "");
            return switch (tier) {
                case "ws" -> URI.create(base.replaceFirst("^http", "ws") + "/api/v1/spaces/" + space + "/listen");
                case "ogg" -> URI.create(base + "/spaces/" + space + "/live.opus");
                case "hls" -> URI.create(base + "/spaces/" + space + "/hls/index.m3u8");
                default -> throw new IllegalArgumentException("--tier is ws, ogg or hls");
            };
        }).toList();
    }
}
