package io.stentor.safety;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/** The statements of reasons of a period, ready for the Transparency Database (Art 24(5)). */
public final class TransparencyExport {

    /** Most statements the database's API takes in one request. */
    public static final int BATCH = 100;

    private final SafetyRepository repo;

    public TransparencyExport(Jdbi jdbi) {
        this.repo = new SafetyRepository(jdbi);
    }

    /** Every restriction decided since {@code since}, oldest first, as statements. */
    public List<Map<String, Object>> since(Instant since) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Decision d : repo.decisionsSince(since)) {
            statement(d).ifPresent(out::add);
        }
        return out;
    }

    /** The statement of a decision, if it is a restriction (on a notice or on the platform's own initiative). */
    java.util.Optional<Map<String, Object>> statement(Decision d) {
        if (!TransparencyStatement.restricts(d)) {
            return java.util.Optional.empty();
        }
        Notice n = d.noticeId() == null ? null : repo.find(d.noticeId()).orElseThrow();
        Object[] facts = d.spaceId() == null ? null : repo.spaceFacts(d.spaceId()).orElse(null);
        String language = facts == null ? null : (String) facts[0];
        LocalDate contentDate = LocalDate.ofInstant(facts != null ? (Instant) facts[1] : n != null ? n.receivedAt() : d.decidedAt(),
                ZoneOffset.UTC);
        String flagger = n != null && n.trusted() && n.notifierId() != null ? repo.displayName(n.notifierId()).orElse(null) : null;
        return java.util.Optional.of(TransparencyStatement.of(d, n, language, contentDate, flagger));
    }
}
