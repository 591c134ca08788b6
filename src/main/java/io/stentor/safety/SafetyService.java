package io.stentor.safety;

import io.stentor.account.AccountRestrictions;
import io.stentor.account.Caller;
import io.stentor.account.Role;
import io.stentor.error.StentorException;
import io.stentor.notification.Notification;
import io.stentor.notification.Notifier;
import io.stentor.space.Space;
import io.stentor.space.SpaceService;
import io.stentor.store.Ids;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;

/**
 * Notices (DSA Art 16) from anyone, the moderators' queue (trusted flaggers first, Art 22), and
 * decisions with their statements of reasons (Art 17). Acts on spaces through {@link SpaceService}.
 */
public final class SafetyService {

    /** Categories of a notice: the Transparency Database's 2025 categories, lower-case, plus child sexual abuse material. */
    static final Set<String> CATEGORIES = TransparencyStatement.CATEGORY.keySet();
    static final int MAX_ITEMS = 20;
    static final long MAX_RANGE_MS = 3_600_000;

    /** What a notice says, as sent. */
    public record NoticeBody(String category, String explanation, String name, String email, Boolean goodFaith,
            List<NoticeItem> items) {
    }

    private final SafetyRepository repo;
    private final SpaceService spaces;
    private final Clock clock;
    private final AuditLog audit;
    private final MisusePolicy misuse;
    private final AccountRestrictions restrictions;
    private volatile EvidenceStore evidence; // set at wiring (StentorServer); preserves the audio a notice names

    SafetyService(SafetyRepository repo, SpaceService spaces, AuditLog audit, MisusePolicy misuse, AccountRestrictions restrictions,
            Clock clock) {
        this.repo = repo;
        this.spaces = spaces;
        this.clock = clock;
        this.audit = audit;
        this.misuse = misuse;
        this.restrictions = restrictions;
    }

    /** Preserves the audio each new notice names (set once at wiring). */
    public void preserveEvidenceWith(EvidenceStore store) {
        this.evidence = store;
    }

    /** Files a notice; anyone may, signed in or not. Returns it (the receipt is made from it). */
    public Notice submit(Optional<Caller> caller, NoticeBody b) {
        if (caller.isPresent()) {
            restrictions.noticesSuspendedUntil(caller.get().userId(), clock.instant()).ifPresent(until -> {
                throw StentorException.forbidden("notices_suspended", "We do not process your notices until " + until
                        + ": too many of them were manifestly unfounded (terms, section 6; DSA Art 23(2)).");
            });
        }
        String category = b.category() == null ? "" : b.category().toLowerCase(Locale.ROOT);
        if (!CATEGORIES.contains(category)) {
            throw StentorException.badRequest("invalid_category", "category is one of " + String.join(", ", CATEGORIES.stream().sorted().toList()) + ".");
        }
        String explanation = b.explanation() == null ? "" : b.explanation().strip();
        if (explanation.length() < 10 || explanation.length() > 10_000) {
            throw StentorException.badRequest("invalid_explanation",
                    "Explain, in 10 to 10,000 characters, why you consider the content illegal.");
        }
        if (!Boolean.TRUE.equals(b.goodFaith())) {
            throw StentorException.badRequest("good_faith_required",
                    "Confirm that you believe in good faith that the notice is accurate and complete (goodFaith: true).");
        }
        boolean csam = category.equals("child_sexual_abuse_material");
        String name = Staff.text("A field", b.name(), 200);
        String email = Staff.text("A field", b.email(), 320);
        if (!csam && caller.isEmpty() && (name == null || email == null)) {
            throw StentorException.badRequest("notifier_required",
                    "Give your name and email (they may be left out only for child sexual abuse material).");
        }
        if (email != null && !email.matches("[^@\\s]+@[^@\\s]+\\.[^@\\s]+")) {
            throw StentorException.badRequest("invalid_email", "The email address is not valid.");
        }
        List<NoticeItem> items = b.items() == null ? List.of() : b.items();
        if (items.isEmpty() || items.size() > MAX_ITEMS) {
            throw StentorException.badRequest("invalid_items", "Name 1 to " + MAX_ITEMS + " items: what exactly is illegal, and where.");
        }
        List<NoticeItem> checked = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            checked.add(check(items.get(i), i));
        }
        boolean trusted = caller.map(c -> c.user().role() == Role.TRUSTED_FLAGGER).orElse(false);
        boolean deprioritised = caller.map(c -> misuse.deprioritised(c.userId())).orElse(false); // Art 23(2)
        Notice n = new Notice(Ids.next(), clock.instant(), caller.map(Caller::userId).orElse(null), name, email, trusted,
                category, explanation, "OPEN", null, false, List.copyOf(checked));
        repo.insert(n, deprioritised);
        audit.append(n.notifierId(), "notice.received", n.id(), "category=" + category + " trusted=" + trusted
                + " items=" + checked.size());
        if (evidence != null) {
            evidence.preserve(n);
        }
        return n;
    }

    private NoticeItem check(NoticeItem item, int index) {
        String where = "items[" + index + "]: ";
        if (item == null || item.kind() == null) {
            throw StentorException.badRequest("invalid_item", where + "kind is space_audio, space_text or user_profile.");
        }
        switch (item.kind()) {
            case NoticeItem.SPACE_AUDIO, NoticeItem.SPACE_TEXT -> {
                if (item.spaceId() == null || spaces.find(item.spaceId()).isEmpty()) {
                    throw StentorException.badRequest("invalid_item", where + "name an existing space (spaceId).");
                }
                if ((item.fromMs() == null) != (item.toMs() == null)) {
                    throw StentorException.badRequest("invalid_item", where + "give both fromMs and toMs, or neither.");
                }
                if (item.fromMs() != null && (item.fromMs() < 0 || item.toMs() <= item.fromMs()
                        || item.toMs() - item.fromMs() > MAX_RANGE_MS)) {
                    throw StentorException.badRequest("invalid_item", where + "the time range must run forward, from 0, "
                            + "for at most an hour.");
                }
                boolean audio = item.kind().equals(NoticeItem.SPACE_AUDIO);
                return new NoticeItem(item.kind(), item.spaceId(), audio ? Staff.text("A field", item.speaker(), 64) : null,
                        audio ? item.fromMs() : null, audio ? item.toMs() : null, null);
            }
            case NoticeItem.USER_PROFILE -> {
                if (item.userHandle() == null || item.userHandle().isBlank() || item.userHandle().length() > 64) {
                    throw StentorException.badRequest("invalid_item", where + "name the user (userHandle).");
                }
                return new NoticeItem(item.kind(), null, null, null, null, item.userHandle());
            }
            default -> throw StentorException.badRequest("invalid_item",
                    where + "kind is space_audio, space_text or user_profile.");
        }
    }

    /** The open notices, for moderators. */
    public List<Notice> queue(Caller caller, int limit) {
        Staff.moderator(caller);
        return repo.queue(limit);
    }

    public Notice notice(Caller caller, String id) {
        Staff.moderator(caller);
        return repo.find(id).orElseThrow(() -> StentorException.notFound("notice_not_found", "No notice with id " + id + "."));
    }

    /** The notices the caller sent (signed in), newest first. */
    public List<Notice> sentBy(Caller caller) {
        return repo.sentBy(caller.userId());
    }

    /** The decision on a notice, if any. */
    Optional<Decision> decisionOf(Notice n) {
        return n.decisionId() == null ? Optional.empty() : repo.decision(n.decisionId());
    }

    /** The statements of reasons about decisions that restricted the caller. */
    public List<Decision> statementsFor(Caller caller) {
        return repo.affecting(caller.userId());
    }

}
