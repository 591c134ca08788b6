package io.stentor.safety;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The figures of a transparency report (DSA Art 15 and 24, in the sections of Implementing
 * Regulation (EU) 2024/2835) for the days {@code from} to {@code to} inclusive (UTC). One list of
 * figures is the single source of the JSON, the CSV and the public page, so they always agree.
 * Counts only: no names, emails, handles or ids. Immutable.
 */
public record TransparencyReport(LocalDate from, LocalDate to, Instant generatedAt, List<Figure> figures) {

    /**
     * One number: {@code section} and {@code metric} (snake_case), an optional {@code dimension}
     * (a category, a Member State, a month...; "" when none) and the value — a whole count, or a
     * median or average rounded to 0.1 (null when there was nothing to take it over).
     */
    public record Figure(String section, String metric, String dimension, Number value) {
    }

    /** The sections in the order of the Implementing Regulation's template. */
    static final List<String> SECTIONS = List.of("orders", "notices", "own_initiative", "complaints", "suspensions",
            "recipients");

    /**
     * {@code {"from", "to", "generatedAt", "sections": {section: {metric: value | {dimension: value}}}}}.
     */
    public Map<String, Object> json() {
        Map<String, Object> sections = new LinkedHashMap<>();
        for (Figure f : figures) {
            @SuppressWarnings("unchecked")
            Map<String, Object> metrics = (Map<String, Object>) sections.computeIfAbsent(f.section(), k -> new LinkedHashMap<>());
            if (f.dimension().isEmpty()) {
                metrics.put(f.metric(), f.value());
            } else {
                @SuppressWarnings("unchecked")
                Map<String, Object> dims = (Map<String, Object>) metrics.computeIfAbsent(f.metric(), k -> new LinkedHashMap<>());
                dims.put(f.dimension(), f.value());
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("from", from.toString());
        out.put("to", to.toString());
        out.put("generatedAt", generatedAt.toString());
        out.put("sections", sections);
        return out;
    }

    /** One row per figure: {@code period_from,period_to,section,metric,dimension,value}, for spreadsheets. */
    public String csv() {
        StringBuilder b = new StringBuilder("period_from,period_to,section,metric,dimension,value\r\n");
        for (Figure f : figures) {
            b.append(from).append(',').append(to).append(',').append(f.section()).append(',').append(f.metric()).append(',')
                    .append(csvField(f.dimension())).append(',').append(plain(f.value())).append("\r\n");
        }
        return b.toString();
    }

    /** The value as a spreadsheet reads it: 12, 7.5, or empty for none. */
    static String plain(Number n) {
        if (n == null) {
            return "";
        }
        return n instanceof Double d ? BigDecimal.valueOf(d).stripTrailingZeros().toPlainString() : n.toString();
    }

    private static String csvField(String s) {
        return s.matches("[A-Za-z0-9_ .:-]*") ? s : '"' + s.replace("\"", "\"\"") + '"';
    }

    /** The value of one figure, or null (for tests and the page). */
    public Number value(String section, String metric, String dimension) {
        return figures.stream().filter(f -> f.section().equals(section) && f.metric().equals(metric)
                && f.dimension().equals(dimension)).map(Figure::value).findFirst().orElse(null);
    }
}
