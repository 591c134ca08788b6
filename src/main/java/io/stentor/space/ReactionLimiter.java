package io.stentor.space;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import java.time.Duration;

/** A token bucket per user for emoji reactions (rate per second, burst of twice that). Thread-safe, bounded memory. */
final class ReactionLimiter {

    private final Cache<String, Bucket> buckets = Caffeine.newBuilder()
            .maximumSize(1_000_000).expireAfterAccess(Duration.ofMinutes(1)).build();
    private final int perSecond;

    ReactionLimiter(int perSecond) {
        this.perSecond = perSecond;
    }

    boolean tryAcquire(String userId) {
        return buckets.get(userId, k -> Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(2L * perSecond).refillGreedy(perSecond, Duration.ofSeconds(1)).build())
                .build()).tryConsume(1);
    }
}
