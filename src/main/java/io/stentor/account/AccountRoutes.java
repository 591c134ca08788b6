package io.stentor.account;

import io.stentor.config.StentorConfig;
import io.stentor.error.StentorException;
import io.stentor.guard.LoginThrottle;
import io.stentor.guard.ProofOfWork;
import io.stentor.server.ApiRequest;
import io.stentor.server.ApiResponse;
import io.stentor.server.Cookies;
import io.stentor.server.Router;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** HTTP API for accounts and logins under {@code /api/v1}. */
public final class AccountRoutes {

    record RegisterBody(String handle, String displayName, String password) {
    }

    record LoginBody(String handle, String password) {
    }

    record TokenBody(String handle, String password, String name) {
    }

    record RoleBody(Role role) {
    }

    /** The answer to a browser login (the token travels in the cookie only). */
    record LoginView(User user, SessionView session) {
    }

    /** The answer to an API login: the token, shown this once. */
    record TokenView(String token, User user, SessionView session) {
    }

    /** A session as its owner sees it: never the token. */
    record SessionView(String id, Session.Kind kind, String name, Instant createdAt, Instant expiresAt,
            boolean current) {
    }

    private final AccountService accounts;
    private final StentorConfig.Auth cfg;
    private final LoginThrottle throttle;
    private final ProofOfWork proofOfWork;

    public AccountRoutes(AccountService accounts, StentorConfig.Auth cfg, LoginThrottle throttle, ProofOfWork proofOfWork) {
        this.accounts = accounts;
        this.cfg = cfg;
        this.throttle = throttle;
        this.proofOfWork = proofOfWork;
    }

    public void register(Router r) {
        r.post("/api/v1/users", this::registerUser);
        r.get("/api/v1/users/{handle}", req -> ApiResponse.ok(accounts.byHandle(req.param("handle"))));
        r.put("/api/v1/users/{handle}/role", this::setRole);
        r.post("/api/v1/auth/login", this::login);
        r.post("/api/v1/auth/tokens", this::issueToken);
        r.post("/api/v1/auth/logout", this::logout);
        r.get("/api/v1/me", req -> ApiResponse.ok(req.requireCaller().user()));
        r.get("/api/v1/me/sessions", this::listSessions);
        r.delete("/api/v1/me/sessions/{sessionId}", req -> {
            accounts.revoke(req.requireCaller(), req.param("sessionId"));
            return ApiResponse.noContent();
        });
    }

    private ApiResponse registerUser(ApiRequest req) {
        RegisterBody b = req.body(RegisterBody.class);
        User user = accounts.register(b.handle(), b.displayName(), b.password());
        AccountService.IssuedSession s = accounts.openSession(user, Session.Kind.COOKIE);
        return ApiResponse.created(user).cookie(Cookies.session(s.token(), cfg.sessionTtl(), cfg.cookieSecure()));
    }

    private ApiResponse login(ApiRequest req) {
        proofOfWork.require(req);
        LoginBody b = req.body(LoginBody.class);
        LoginThrottle.Attempt attempt = throttle.admit(b.handle(), req);
        AccountService.IssuedSession s = checkPassword(attempt, () -> accounts.login(b.handle(), b.password(), Session.Kind.COOKIE, null));
        return ApiResponse.ok(new LoginView(s.user(), view(s.session(), s.session().id())))
                .cookie(Cookies.session(s.token(), cfg.sessionTtl(), cfg.cookieSecure()))
                .cookie(attempt.succeeded());
    }

    /** Runs the password check of an admitted attempt, reporting a failure to the throttle. */
    private static AccountService.IssuedSession checkPassword(LoginThrottle.Attempt attempt,
            java.util.function.Supplier<AccountService.IssuedSession> check) {
        try {
            return check.get();
        } catch (StentorException e) {
            attempt.failed();
            throw e;
        }
    }

    private ApiResponse issueToken(ApiRequest req) {
        proofOfWork.require(req);
        TokenBody b = req.body(TokenBody.class);
        String name = b.name() == null || b.name().isBlank() ? null : b.name().strip();
        if (name != null && (name.length() > 64 || name.codePoints().anyMatch(Character::isISOControl))) {
            throw StentorException.badRequest("invalid_name", "A token name has at most 64 characters, none of them control characters.");
        }
        LoginThrottle.Attempt attempt = throttle.admit(b.handle(), req);
        AccountService.IssuedSession s = checkPassword(attempt, () -> accounts.login(b.handle(), b.password(), Session.Kind.BEARER, name));
        return ApiResponse.created(new TokenView(s.token(), s.user(), view(s.session(), s.session().id())))
                .cookie(attempt.succeeded());
    }

    private ApiResponse logout(ApiRequest req) {
        Caller caller = req.requireCaller();
        accounts.revoke(caller, caller.session().id());
        return ApiResponse.noContent().cookie(Cookies.clearSession(cfg.cookieSecure()));
    }

    private ApiResponse listSessions(ApiRequest req) {
        Caller caller = req.requireCaller();
        List<SessionView> views = accounts.sessions(caller).stream().map(s -> view(s, caller.session().id())).toList();
        return ApiResponse.ok(Map.of("sessions", views));
    }

    private ApiResponse setRole(ApiRequest req) {
        Caller caller = req.requireCaller();
        if (!caller.isAdmin()) {
            throw StentorException.forbidden("admin_only", "Only an admin may change roles.");
        }
        RoleBody b = req.body(RoleBody.class);
        if (b.role() == null) {
            throw StentorException.badRequest("invalid_field", "Field 'role' is required.");
        }
        return ApiResponse.ok(accounts.setRole(req.param("handle"), b.role()));
    }

    private static SessionView view(Session s, String currentId) {
        return new SessionView(s.id(), s.kind(), s.name(), s.createdAt(), s.expiresAt(), s.id().equals(currentId));
    }
}
