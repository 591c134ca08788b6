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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's connection to NATS. It never gives up: a lost server is retried every 250 ms
 * (jittered) forever, and subscriptions are restored by the client on reconnect, so a NATS restart
 * needs no Stentor restart. Start-up does not wait for NATS either. Thread-safe.
 */
final class NatsLink implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NatsLink.class);

    private final Connection connection;
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
        try {
            this.connection = Nats.connectReconnectOnConnect(options);
        } catch (IOException e) {
            throw new IllegalStateException("NATS at " + servers + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while connecting to NATS", e);
        }
        Gauge.builder("stentor.cluster.nats.connected", this, l -> l.connected() ? 1 : 0)
                .description("1 while this node is connected to NATS").register(registry);
    }

    Connection connection() {
        return connection;
    }

    boolean connected() {
        return connection.getStatus() == Connection.Status.CONNECTED;
    }

    @Override
    public void close() {
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
