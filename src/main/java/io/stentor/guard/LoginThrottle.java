package io.stentor.guard;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.stentor.config.StentorConfig;
import io.stentor.error.StentorException;
import io.stentor.server.ApiRequest;
import io.stentor.server.Cookies;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * Throttles failed logins per account without letting an attacker lock the real user out. Two
 * buckets of failures drain evenly over {@code guard.login-failure-window}:
 * <ul>
 * <li>per account and <em>source</em> (the client's /24 or /64 network, or its known device):
 * after {@code guard.login-failures-per-network} failures that source waits;</li>
 * <li>per account, from anywhere: once {@code guard.login-failures-per-account} are spent the
 * account is under a distributed attack, and only <em>trusted</em> sources may still try — a
 * client with a valid known-device cookie for the account, or a network that logged into it
 * before.</li>
 * </ul>
 * An attempt takes its tokens when admitted (so a burst of parallel tries cannot slip past before
 * the first one fails) and a success gives them back and clears its source. Refusals happen
 * before the password is hashed, so a flood costs a map lookup each. Memory is bounded (Caffeine,
 * size caps; a bucket idle for a whole window is full again and forgotten). Thread-safe.
 */
public final class LoginThrottle {

    private static final int MAX_HANDLE_KEY = 64;

    private final StentorConfig.Guard.LoginFailures cfg;
    private final Exemptions exempt;
    private final SigningKey key;
    private final boolean cookieSecure;
    private final Clock clock;
    private final Cache<String, Bucket> perSource;
    private final Cache<String, Bucket> perAccount;
    /** "handle|network" pairs that logged in successfully. */
    private final Cache<String, Boolean> knownNetworks;
    private final Counter refusedNetwork;
    private final Counter refusedAccount;

    public LoginThrottle(StentorConfig.Guard guard, SigningKey key, boolean cookieSecure, Clock clock,
            MeterRegistry registry) {
        this.cfg = guard.loginFailures();
        this.exempt = new Exemptions(guard.exempt());
        this.key = key;
        this.cookieSecure = cookieSecure;
        this.clock = clock;
        this.perSource = Caffeine.newBuilder().maximumSize(200_000).expireAfterAccess(cfg.window()).build();
        this.perAccount = Caffeine.newBuilder().maximumSize(100_000).expireAfterAccess(cfg.window()).build();
        this.knownNetworks = Caffeine.newBuilder().maximumSize(200_000).expireAfterWrite(cfg.knownDeviceTtl()).build();
        this.refusedNetwork = Refusals.counter(registry, "login_network");
        this.refusedAccount = Refusals.counter(registry, "login_account");
    }

    /**
     * Admits a login attempt for {@code handle} from this request's client, or throws 429
     * {@code login_throttled} with {@code Retry-After}. Call before the password is checked, then
     * report the outcome on the returned attempt exactly once.
     */
    public Attempt admit(String handle, ApiRequest req) {
        InetAddress client = req.remoteAddress().getAddress();
        String account = handle == null ? "" : handle.substring(0, Math.min(handle.length(), MAX_HANDLE_KEY))
                .toLowerCase(Locale.ROOT);
        Optional<KnownDevice> device = req.cookie(Cookies.KNOWN_DEVICE)
                .flatMap(v -> KnownDevice.read(v, key, clock.instant()))
                .filter(d -> d.handle().equals(account));
        if (exempt.contains(client)) {
            return new Attempt(account, null, null, device, false);
        }
        String network = account + "|" + ClientAddress.subnet(client);
        String source = device.map(d -> account + "|device:" + d.id()).orElse(network);
        boolean trusted = device.isPresent() || knownNetworks.getIfPresent(network) != null;

        Bucket src = bucket(perSource, source, cfg.perNetwork());
        long wait = take(src);
        if (wait > 0) {
            refusedNetwork.increment();
            throw throttled(wait, "Too many failed logins to this account from your network");
        }
        if (!trusted) {
            wait = take(bucket(perAccount, account, cfg.perAccount()));
            if (wait > 0) {
                src.addTokens(1);
                refusedAccount.increment();
                throw throttled(wait, "This account is under a flood of failed logins; a device or network "
                        + "that signed in to it before can still sign in now");
            }
        }
        return new Attempt(account, source, network, device, !trusted);
    }

    private Bucket bucket(Cache<String, Bucket> cache, String k, int failures) {
        return cache.get(k, x -> Bucket.builder().addLimit(Bandwidth.builder().capacity(failures)
                .refillGreedy(failures, cfg.window()).build()).build());
    }

    /** Takes a token: 0 when there was one, else the whole seconds until there is. */
    private static long take(Bucket b) {
        var probe = b.tryConsumeAndReturnRemaining(1);
        return probe.isConsumed() ? 0 : Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L);
    }

    private static StentorException throttled(long wait, String why) {
        return StentorException.tooManyRequests("login_throttled", why + "; try again in " + wait + " s.")
                .retryAfter(wait);
    }

    /** One admitted login attempt. Used by the thread handling the request. */
    public final class Attempt {
        private final String account;
        private final String source;
        private final String network;
        private final Optional<KnownDevice> device;
        private final boolean tookAccountToken;

        private Attempt(String account, String source, String network, Optional<KnownDevice> device,
                boolean tookAccountToken) {
            this.account = account;
            this.source = source;
            this.network = network;
            this.device = device;
            this.tookAccountToken = tookAccountToken;
        }

        /** The password was wrong (or the handle unknown). */
        public void failed() {
            if (source != null && !tookAccountToken) {
                // A trusted source is never refused by the account's bucket, but its failures still count there.
                bucket(perAccount, account, cfg.perAccount()).tryConsume(1);
            }
        }

        /**
         * The password was right: this source starts afresh, its network becomes known for the
         * account, and the answer gets this {@code Set-Cookie} marking the client a known device.
         */
        public String succeeded() {
            if (source != null) {
                perSource.invalidate(source);
                perSource.invalidate(network);
                knownNetworks.put(network, Boolean.TRUE);
                if (tookAccountToken) {
                    Bucket b = perAccount.getIfPresent(account);
                    if (b != null) {
                        b.addTokens(1);
                    }
                }
            }
            Duration ttl = cfg.knownDeviceTtl();
            KnownDevice d = new KnownDevice(account, device.map(KnownDevice::id).orElseGet(KnownDevice::newId),
                    clock.instant().plus(ttl).getEpochSecond());
            return Cookies.knownDevice(d.encode(key), ttl, cookieSecure);
        }
    }
}
