package io.stentor.guard;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.stentor.config.StentorConfig;
import java.net.InetAddress;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * Token buckets per client address and per client network for each kind of request, checked on
 * the network thread before any database work or password hashing, so a flood costs the server a
 * map lookup per request. Memory is bounded (a million buckets at most, idle ones forgotten).
 * Thread-safe.
 */
public final class RateLimits {

    /** What a request is, for limiting. */
    public enum Action { API, REGISTER, LOGIN, JOIN, REACTION }

    private record Limit(long perIpCapacity, long perIpRefill, Duration period) {
    }

    private final Map<Action, Limit> limits = new EnumMap<>(Action.class);
    private final Map<Action, Counter> refused = new EnumMap<>(Action.class);
    private final int subnetFactor;
    private final Exemptions exempt;
    private final Cache<String, Bucket> buckets = Caffeine.newBuilder().maximumSize(1_000_000)
            .expireAfterAccess(Duration.ofMinutes(10)).build();

    public RateLimits(StentorConfig.Guard cfg, MeterRegistry registry) {
        this.subnetFactor = cfg.subnetFactor();
        this.exempt = new Exemptions(cfg.exempt());
        limits.put(Action.API, new Limit(2L * cfg.apiPerSecond(), cfg.apiPerSecond(), Duration.ofSeconds(1)));
        limits.put(Action.REGISTER, new Limit(cfg.registrationsPerHour(), cfg.registrationsPerHour(), Duration.ofHours(1)));
        limits.put(Action.LOGIN, new Limit(cfg.loginsPerMinute(), cfg.loginsPerMinute(), Duration.ofMinutes(1)));
        limits.put(Action.JOIN, new Limit(4L * cfg.joinsPerSecond(), cfg.joinsPerSecond(), Duration.ofSeconds(1)));
        limits.put(Action.REACTION, new Limit(2L * cfg.reactionsPerSecond(), cfg.reactionsPerSecond(), Duration.ofSeconds(1)));
        for (Action a : Action.values()) {
            refused.put(a, Refusals.counter(registry, a.name().toLowerCase(Locale.ROOT)));
        }
    }

    /** 0 when the request may go ahead; otherwise the whole seconds to wait (for Retry-After). */
    public long check(Action action, InetAddress client) {
        if (exempt.contains(client)) {
            return 0;
        }
        Limit l = limits.get(action);
        long waitIp = take(action + "|" + ClientAddress.ip(client), l, 1);
        long waitNet = waitIp > 0 ? 0 : take(action + "|" + ClientAddress.subnet(client), l, subnetFactor);
        long wait = Math.max(waitIp, waitNet);
        if (wait > 0) {
            refused.get(action).increment();
        }
        return wait;
    }

    private long take(String key, Limit l, int factor) {
        Bucket b = buckets.get(key, k -> Bucket.builder().addLimit(Bandwidth.builder()
                .capacity(l.perIpCapacity() * factor).refillGreedy(l.perIpRefill() * factor, l.period()).build()).build());
        ConsumptionProbe p = b.tryConsumeAndReturnRemaining(1);
        return p.isConsumed() ? 0 : Math.max(1, (p.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L);
    }

    boolean exempt(InetAddress client) {
        return exempt.contains(client);
    }
}
