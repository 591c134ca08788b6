package io.stentor.cli;

import io.stentor.server.StentorServer;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code stentor serve}: runs the server until interrupted. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Start the Stentor server. Settings: defaults < config file < environment < flags.")
final class ServeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        StentorServer server = StentorServer.start(ConfigOptions.load(spec));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "stentor-shutdown"));
        stopped.await();
        return 0;
    }
}
