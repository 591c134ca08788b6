package io.stentor.account;

import io.stentor.config.StentorConfig;
import io.stentor.error.StentorException;
import io.stentor.store.Ids;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Accounts and logins: register, log in (cookie or bearer token), authenticate a token, list and
 * revoke sessions, change roles. Blocking (database, password hashing): call from virtual threads.
 */
public final class AccountService {

    /** A freshly issued login: the secret {@code token} is shown once and never stored. */
    public record IssuedSession(String token, Session session, User user) {
    }

    private final UserRepository users;
    private final SessionRepository sessions;
    private final PasswordHasher hasher;
    private final StentorConfig.Auth cfg;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public AccountService(org.jdbi.v3.core.Jdbi jdbi, StentorConfig.Auth cfg, Clock clock) {
        this.users = new UserRepository(jdbi);
        this.sessions = new SessionRepository(jdbi);
        this.hasher = new PasswordHasher(cfg.argon2MemoryKib(), cfg.argon2Iterations(), cfg.hashConcurrency());
        this.cfg = cfg;
        this.clock = clock;
    }

    /** Password hashes computed so far (for the metric {@code stentor_auth_password_hashes_total}). */
    public long passwordHashes() {
        return hasher.computed();
    }

    public UserRepository users() {
        return users;
    }

    /** Creates an account with the given platform role; 409 if the handle is taken. */
    public User create(String handle, String displayName, String password, Role role) {
        Handle h = new Handle(handle);
        DisplayName name = new DisplayName(displayName);
        PasswordHasher.validate(password);
        if (users.findByHandle(h.value()).isPresent()) {
            throw handleTaken(h);
        }
        User user = new User(Ids.next(), h.value(), name.value(), role, clock.instant());
        try {
            users.insert(user, hasher.hash(password));
        } catch (UserRepository.DuplicateHandle e) {
            throw handleTaken(h);
        }
        return user;
    }

    /** Self-service registration: always the plain {@link Role#USER} role. */
    public User register(String handle, String displayName, String password) {
        return create(handle, displayName, password, Role.USER);
    }

    /** Checks the password and opens a session; the same 401 whether the handle or the password was wrong. */
    public IssuedSession login(String handle, String password, Session.Kind kind, String name) {
        if (handle == null || password == null || password.length() > PasswordHasher.MAX_PASSWORD_LENGTH) {
            throw StentorException.unauthorized("Wrong handle or password.");
        }
        var creds = users.credentials(handle);
        boolean ok = hasher.verify(password, creds.map(UserRepository.Credentials::passwordHash).orElse(null));
        if (!ok || creds.isEmpty()) {
            throw StentorException.unauthorized("Wrong handle or password.");
        }
        return open(creds.get().user(), kind, name);
    }

    private IssuedSession open(User user, Session.Kind kind, String name) {
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        Instant now = clock.instant();
        Session s = new Session(Ids.next(), user.id(), kind, name, now, now.plus(cfg.sessionTtl()));
        sessions.insert(s, hashToken(token));
        return new IssuedSession(token, s, user);
    }

    /** Opens a session for a user who just proved who they are (after registering). */
    public IssuedSession openSession(User user, Session.Kind kind) {
        return open(user, kind, null);
    }

    public Optional<Caller> authenticate(String token) {
        if (token == null || token.isEmpty() || token.length() > 100) {
            return Optional.empty();
        }
        return sessions.findLive(hashToken(token), clock.instant());
    }

    public List<Session> sessions(Caller caller) {
        return sessions.listLive(caller.userId(), clock.instant());
    }

    /** Revokes one of the caller's own sessions; another user's session is reported as not found. */
    public void revoke(Caller caller, String sessionId) {
        if (!sessions.revoke(sessionId, caller.userId(), clock.instant())) {
            throw StentorException.notFound("session_not_found", "You have no active session with id " + sessionId + ".");
        }
    }

    public User setRole(String handle, Role role) {
        User user = users.findByHandle(handle)
                .orElseThrow(() -> StentorException.notFound("user_not_found", "No user with handle " + handle + "."));
        if (user.role() == Role.ADMIN && role != Role.ADMIN && users.countByRole(Role.ADMIN) <= 1) {
            throw StentorException.conflict("last_admin", "@" + user.handle()
                    + " is the last admin; make someone else admin first.");
        }
        users.updateRole(user.id(), role);
        return new User(user.id(), user.handle(), user.displayName(), role, user.createdAt());
    }

    public User byHandle(String handle) {
        return users.findByHandle(handle)
                .orElseThrow(() -> StentorException.notFound("user_not_found", "No user with handle " + handle + "."));
    }

    private static StentorException handleTaken(Handle h) {
        return StentorException.conflict("handle_taken", "The handle " + h.value() + " is already taken.");
    }

    static String hashToken(String token) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
