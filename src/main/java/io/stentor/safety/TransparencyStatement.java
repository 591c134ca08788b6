package io.stentor.safety;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A decision as a statement of reasons for the EU DSA Transparency Database (Art 24(5)), with the
 * API's field names and values (2025 category taxonomy). Only restrictions are statements, and
 * they hold no personal data: no notifier's name, email or handle; a trusted flagger is named
 * (an organisation), an individual notifier is not. Absent optional fields are left out, never null.
 */
public final class TransparencyStatement {

    /** Member States of the EU (Greece is GR), and the EEA's others. */
    static final List<String> EU = List.of("AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
            "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE");
    static final List<String> EEA_ONLY = List.of("IS", "LI", "NO");

    /**
     * Notice categories → the 2025 statement categories (checked against the Commission's API
     * documentation, docs/api in digital-services-act/transparency-database: 16 categories; the
     * pre-2025 ones — SCOPE_OF_PLATFORM_SERVICE, NON_CONSENSUAL_BEHAVIOUR, PORNOGRAPHY_OR_SEXUALIZED_CONTENT,
     * UNSAFE_AND_ILLEGAL_PRODUCTS — are refused by the database and never sent).
     */
    static final Map<String, String> CATEGORY = Map.ofEntries(
            Map.entry("animal_welfare", "STATEMENT_CATEGORY_ANIMAL_WELFARE"),
            Map.entry("consumer_information", "STATEMENT_CATEGORY_CONSUMER_INFORMATION"),
            Map.entry("cyber_violence", "STATEMENT_CATEGORY_CYBER_VIOLENCE"),
            Map.entry("cyber_violence_against_women", "STATEMENT_CATEGORY_CYBER_VIOLENCE_AGAINST_WOMEN"),
            Map.entry("self_harm", "STATEMENT_CATEGORY_SELF_HARM"),
            Map.entry("unsafe_and_prohibited_products", "STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS"),
            Map.entry("not_specified", "STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE"),
            Map.entry("illegal_or_harmful_speech", "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH"),
            Map.entry("negative_effects_on_civic_discourse_or_elections", "STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS"),
            Map.entry("risk_for_public_security", "STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY"),
            Map.entry("protection_of_minors", "STATEMENT_CATEGORY_PROTECTION_OF_MINORS"),
            Map.entry("child_sexual_abuse_material", "STATEMENT_CATEGORY_PROTECTION_OF_MINORS"),
            Map.entry("violence", "STATEMENT_CATEGORY_VIOLENCE"),
            Map.entry("intellectual_property_infringements", "STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS"),
            Map.entry("data_protection_and_privacy_violations", "STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS"),
            Map.entry("scams_and_fraud", "STATEMENT_CATEGORY_SCAMS_AND_FRAUD"),
            Map.entry("other", "STATEMENT_CATEGORY_OTHER_VIOLATION_TC"));

    private TransparencyStatement() {
    }

    /** Whether a decision is a restriction, and so a statement. */
    public static boolean restricts(Decision d) {
        return !d.action().equals("no_action");
    }

    /**
     * The statement for {@code d}, taken on {@code n}; {@code language} is the space's (ISO 639-1 or
     * a tag like en-GB), {@code contentDate} when its audio was made, {@code trustedFlagger} the
     * flagger's public name when the notice came from one.
     */
    public static Map<String, Object> of(Decision d, Notice n, String language, LocalDate contentDate, String trustedFlagger) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("puid", d.id());
        String end = d.endsAt() == null ? null : LocalDate.ofInstant(d.endsAt(), ZoneOffset.UTC).toString();
        switch (d.measure()) {
            case LABEL -> s.put("decision_visibility", List.of("DECISION_VISIBILITY_CONTENT_LABELLED"));
            case DEMOTE -> s.put("decision_visibility", List.of("DECISION_VISIBILITY_CONTENT_DEMOTED"));
            case AGE_RESTRICT -> s.put("decision_visibility", List.of("DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED"));
            // A muted speaker's audio no longer reaches anyone in that space; the space itself stays on air.
            case MUTE_SPEAKER, END_SPACE -> s.put("decision_visibility", List.of("DECISION_VISIBILITY_CONTENT_DISABLED"));
            case REMOVE_REPLAY, CUT_REPLAY -> s.put("decision_visibility", List.of("DECISION_VISIBILITY_CONTENT_REMOVED"));
            // Removed from one space for good: the rest of the service stays open to them.
            case REMOVE_SPEAKER -> s.put("decision_provision", "DECISION_PROVISION_PARTIAL_TERMINATION");
            case SUSPEND_ACCOUNT -> {
                s.put("decision_account", "DECISION_ACCOUNT_SUSPENDED");
                if (end != null) {
                    s.put("end_date_account_restriction", end);
                }
            }
            case TERMINATE_ACCOUNT -> s.put("decision_account", "DECISION_ACCOUNT_TERMINATED");
            case NO_ACTION -> throw new IllegalArgumentException("not a restriction: " + d.action());
        }
        if (d.ground().equals("illegal")) {
            s.put("decision_ground", "DECISION_GROUND_ILLEGAL_CONTENT");
            s.put("illegal_content_legal_ground", cut(d.legalGround(), 500));
            s.put("illegal_content_explanation", cut(d.explanation(), 2000));
        } else {
            s.put("decision_ground", "DECISION_GROUND_INCOMPATIBLE_CONTENT");
            s.put("incompatible_content_ground", cut("Terms of service " + d.termsVersion() + ", " + d.termsClause(), 500));
            s.put("incompatible_content_explanation", cut(d.explanation(), 2000));
        }
        Set<String> types = new LinkedHashSet<>();
        if (n != null) {
            for (NoticeItem i : n.items()) {
                types.add(i.kind().equals(NoticeItem.SPACE_TEXT) ? "CONTENT_TYPE_TEXT"
                        : i.kind().equals(NoticeItem.SPACE_AUDIO) ? "CONTENT_TYPE_AUDIO" : "CONTENT_TYPE_OTHER");
            }
        } else {
            types.add(d.measure().target() == ModerationAction.Target.ACCOUNT ? "CONTENT_TYPE_OTHER" : "CONTENT_TYPE_AUDIO");
        }
        s.put("content_type", List.copyOf(types));
        if (types.contains("CONTENT_TYPE_OTHER")) {
            s.put("content_type_other", n == null ? "A user account" : "A user profile");
        }
        String category = n != null ? n.category() : d.category() == null ? "other" : d.category();
        s.put("category", CATEGORY.getOrDefault(category, "STATEMENT_CATEGORY_OTHER_VIOLATION_TC"));
        if (category.equals("child_sexual_abuse_material")) {
            s.put("category_specification", List.of("KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL"));
        }
        s.put("territorial_scope", scope(d.territorialScope()));
        String lang = language == null ? "" : language.split("[-_]")[0];
        if (lang.matches("[A-Za-z]{2}")) {
            s.put("content_language", lang.toUpperCase(Locale.ROOT));
        }
        s.put("content_date", contentDate.toString());
        s.put("application_date", LocalDate.ofInstant(d.decidedAt(), ZoneOffset.UTC).toString());
        s.put("decision_facts", cut(d.explanation(), 5000));
        s.put("source_type", n == null ? "SOURCE_VOLUNTARY" : n.trusted() ? "SOURCE_TRUSTED_FLAGGER" : "SOURCE_ARTICLE_16");
        if (n != null && n.trusted() && trustedFlagger != null) {
            s.put("source_identity", cut(trustedFlagger, 500));
        }
        s.put("automated_detection", d.automatedDetection() ? "Yes" : "No");
        s.put("automated_decision", switch (d.automatedDecision()) {
            case "fully" -> "AUTOMATED_DECISION_FULLY";
            case "partially" -> "AUTOMATED_DECISION_PARTIALLY";
            default -> "AUTOMATED_DECISION_NOT_AUTOMATED";
        });
        return s;
    }

    /** Country codes, with EU and EEA spelled out, in the order given, without repeats. */
    static List<String> scope(List<String> given) {
        Set<String> out = new LinkedHashSet<>();
        for (String c : given) {
            switch (c) {
                case "EU" -> out.addAll(EU);
                case "EEA" -> {
                    out.addAll(EU);
                    out.addAll(EEA_ONLY);
                }
                case "EL" -> out.add("GR");
                default -> out.add(c);
            }
        }
        return List.copyOf(out);
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}
