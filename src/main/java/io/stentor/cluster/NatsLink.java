package io.stentor.cluster;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.ErrorListener;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's connection to NATS. It never gives up: a lost server is retried every 250 ms
 * (jittered) forever, and subscriptions are restored by the client on reconnect, so a NATS restart
 * needs no Stentor restart. Start-up does not wait for NATS either: the first connection is made
 * in the background, and whoever needs it says what to do once it is there
 * ({@link #whenConnected}). Thread-safe.
 */
final class NatsLink implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NatsLink.class);

    private final CompletableFuture<Connection> ready = new CompletableFuture<>();
    private final Thread connecting;
    private final Counter reconnects;

    NatsLink(String servers, String name, MeterRegistry registry) {
        this.reconnects = Counter.builder("stentor.cluster.nats.reconnects")
                .description("Times this node got its NATS connection back").register(registry);
        java.util.concurrent.atomic.AtomicBoolean down = new java.util.concurrent.atomic.AtomicBoolean();
        ConnectionListener events = (conn, type) -> {
            switch (type) {
                case RECONNECTED -> {
                    reconnects.increment();
                    down.set(false);
                    LOG.info("NATS: reconnected to {}", conn.getConnectedUrl());
                }
                case DISCONNECTED -> {
                    if (down.compareAndSet(false, true)) { // once per outage, not once per retry
                        LOG.warn("NATS: disconnected; retrying every 250 ms");
                    }
                }
                case CONNECTED -> {
                    down.set(false);
                    LOG.info("NATS: connected to {}", conn.getConnectedUrl());
                }
                default -> LOG.debug("NATS: {}", type);
            }
        };
        ErrorListener errors = new ErrorListener() {
            @Override
            public void exceptionOccurred(Connection conn, Exception e) {
                LOG.debug("NATS: {}", e.toString()); // refused retries during an outage: said once above
            }

            @Override
            public void errorOccurred(Connection conn, String error) {
                LOG.warn("NATS: server said {}", error);
            }

            @Override
            public void slowConsumerDetected(Connection conn, io.nats.client.Consumer consumer) {
                LOG.warn("NATS: this node reads too slowly; the server drops messages for it");
            }
        };
        Options options = Options.builder().servers(servers.split(",")).connectionName(name)
                .maxReconnects(-1).reconnectWait(Duration.ofMillis(250)).reconnectJitter(Duration.ofMillis(100))
                .connectionTimeout(Duration.ofSeconds(2)).pingInterval(Duration.ofSeconds(2))
                // Live audio is useless late: while disconnected, publishing drops (see FramePublisher), not buffers.
                .reconnectBufferSize(64 * 1024)
                .connectionListener(events).errorListener(errors).build();
        // The client retries the first connection as it retries a lost one; it blocks until then, so not here.
        this.connecting = Thread.ofPlatform().daemon().name("stentor-nats-connect").start(() -> {
            try {
                ready.complete(Nats.connectReconnectOnConnect(options));
            } catch (IOException e) {
                LOG.error("NATS at {}: {}", servers, e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // closed before NATS was ever reached
            }
        });
        Gauge.builder("stentor.cluster.nats.connected", this, l -> l.connected() ? 1 : 0)
                .description("1 while this node is connected to NATS").register(registry);
    }

    /** Runs {@code then} with the connection once it first exists (at once if it does), on the connecting thread. */
    void whenConnected(Consumer<Connection> then) {
        ready.thenAccept(then);
    }

    boolean connected() {
        Connection c = ready.getNow(null);
        return c != null && c.getStatus() == Connection.Status.CONNECTED;
    }

    /** Publishes when connected; false (nothing sent) while NATS is away: live data late is useless. */
    boolean publish(String subject, byte[] data) {
        Connection c = ready.getNow(null);
        if (c == null || c.getStatus() != Connection.Status.CONNECTED) {
            return false;
        }
        try {
            c.publish(subject, data);
            return true;
        } catch (IllegalStateException closedOrFull) {
            return false;
        }
    }

    @Override
    public void close() {
        Connection connection = ready.getNow(null);
        if (connection == null) {
            connecting.interrupt();
            return;
        }
        try {
            connection.flush(Duration.ofMillis(500));
        } catch (Exception ignored) {
            // best effort: a leaving heartbeat may be lost, the timeout covers it
        }
        try {
            connection.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
