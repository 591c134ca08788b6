package io.stentor.safety;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The order of the moderators' queue: notices from trusted flaggers first (DSA Art 22(1)), then
 * notices about spaces that are live now (harm that is still being broadcast), then by the
 * severity of the category, then oldest first. Severity, highest first:
 * <ol>
 * <li>child sexual abuse material;</li>
 * <li>risk for public security (threats, terrorism), violence;</li>
 * <li>protection of minors, illegal or harmful speech;</li>
 * <li>scams and fraud, data protection and privacy violations, negative effects on civic
 * discourse or elections;</li>
 * <li>intellectual property infringements, other.</li>
 * </ol>
 * A category not listed (added later without a rank) counts as the lowest.
 */
final class NoticePriority {

    /** Rank of each category; 1 is the most severe. */
    static final Map<String, Integer> SEVERITY = Map.ofEntries(
            Map.entry("child_sexual_abuse_material", 1),
            Map.entry("risk_for_public_security", 2),
            Map.entry("violence", 2),
            Map.entry("protection_of_minors", 3),
            Map.entry("illegal_or_harmful_speech", 3),
            Map.entry("scams_and_fraud", 4),
            Map.entry("data_protection_and_privacy_violations", 4),
            Map.entry("negative_effects_on_civic_discourse_or_elections", 4),
            Map.entry("intellectual_property_infringements", 5),
            Map.entry("other", 5));
    static final int LOWEST = 6;

    private NoticePriority() {
    }

    static int severity(String category) {
        return SEVERITY.getOrDefault(category, LOWEST);
    }

    /** The SQL expression for the rank of {@code column} (the names are constants, not input). */
    static String severitySql(String column) {
        return "CASE " + column + " " + SEVERITY.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> "WHEN '" + e.getKey() + "' THEN " + e.getValue()).collect(Collectors.joining(" "))
                + " ELSE " + LOWEST + " END";
    }

    /** Why a notice stands where it does in the queue, for the console's badges. */
    static List<String> reasons(Notice n) {
        List<String> out = new java.util.ArrayList<>();
        if (n.trusted()) {
            out.add("trusted_flagger");
        }
        if (n.live()) {
            out.add("live");
        }
        if (severity(n.category()) <= 2) {
            out.add("severe");
        }
        return out;
    }
}
