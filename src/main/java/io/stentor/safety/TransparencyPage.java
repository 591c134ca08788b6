package io.stentor.safety;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The public transparency page: the published periods, and the chosen one's figures as tables
 * and bar charts drawn server-side as inline SVG. One self-contained HTML document (no script, no
 * external file), so it renders anywhere and is archived as it is. Stateless.
 */
final class TransparencyPage {

    private static final Map<String, String> TITLES = Map.of(
            "orders", "Orders from Member States' authorities (Art 9, 10)",
            "notices", "Notices of illegal content (Art 16), trusted flaggers (Art 22)",
            "own_initiative", "Content moderation on our own initiative",
            "complaints", "Complaints through the internal complaint-handling system (Art 20)",
            "suspensions", "Suspensions for misuse (Art 23)",
            "recipients", "Average monthly active recipients (Art 24(2)), listeners included");

    private TransparencyPage() {
    }

    static String render(List<PublishedReports.Published> published, PublishedReports.Published shown,
            TransparencyReport report) {
        StringBuilder b = new StringBuilder(16_384);
        b.append("""
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8">
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <title>Transparency report</title>
                <style>
                body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1d1d1f}
                h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ddd}
                h3{font-size:1rem;margin:1rem 0 .3rem}table{border-collapse:collapse}
                td,th{padding:.15rem .8rem .15rem 0;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}
                svg text{font:12px system-ui,sans-serif}.muted{color:#666}
                </style></head><body>
                <h1>Transparency report</h1>
                <p>What we did to keep this service free of illegal content, as the EU Digital Services Act asks
                (Art 15 and 24). Counts only: no one is named in these figures. Each thing counts in the period in which
                it happened; times are medians, in the period.</p>
                """);
        if (published.isEmpty() || report == null) {
            b.append("<p>No report has been published yet.</p></body></html>\n");
            return b.toString();
        }
        b.append("<p>Periods published: ");
        for (int i = 0; i < published.size(); i++) {
            PublishedReports.Published p = published.get(i);
            b.append(i == 0 ? "" : " · ").append("<a href=\"/transparency?report=").append(esc(p.id())).append("\">")
                    .append(p.from()).append(" to ").append(p.to()).append("</a>");
        }
        String api = "/api/v1/transparency-reports/" + esc(shown.id());
        b.append("</p>\n<p><strong>").append(report.from()).append(" to ").append(report.to())
                .append("</strong> <span class=\"muted\">(published ").append(shown.publishedAt()).append(")</span> — ")
                .append("<a href=\"").append(api).append("\">JSON</a> · <a href=\"").append(api)
                .append("?format=csv\">CSV</a></p>\n");
        for (String section : TransparencyReport.SECTIONS) {
            section(b, section, report.figures().stream().filter(f -> f.section().equals(section)).toList());
        }
        return b.append("</body></html>\n").toString();
    }

    private static void section(StringBuilder b, String section, List<TransparencyReport.Figure> figures) {
        b.append("<h2 id=\"").append(section).append("\">").append(esc(TITLES.getOrDefault(section, section))).append("</h2>\n");
        List<TransparencyReport.Figure> plain = figures.stream().filter(f -> f.dimension().isEmpty()).toList();
        if (!plain.isEmpty()) {
            b.append("<table>\n");
            for (TransparencyReport.Figure f : plain) {
                b.append("<tr><th>").append(esc(label(f.metric()))).append("</th><td class=\"n\">")
                        .append(shown(f.metric(), f.value())).append("</td></tr>\n");
            }
            b.append("</table>\n");
        }
        Map<String, List<TransparencyReport.Figure>> charts = new LinkedHashMap<>();
        figures.stream().filter(f -> !f.dimension().isEmpty())
                .forEach(f -> charts.computeIfAbsent(f.metric(), k -> new ArrayList<>()).add(f));
        charts.forEach((metric, bars) -> {
            b.append("<h3>").append(esc(label(metric))).append("</h3>\n");
            chart(b, metric, bars);
        });
    }

    /** A horizontal bar chart: one labelled bar per dimension, its value written beside it. */
    private static void chart(StringBuilder b, String metric, List<TransparencyReport.Figure> bars) {
        int row = 22;
        int labelWidth = 330;
        int barWidth = 360;
        double max = bars.stream().mapToDouble(f -> f.value() == null ? 0 : f.value().doubleValue()).max().orElse(0);
        b.append("<svg role=\"img\" width=\"").append(labelWidth + barWidth + 80).append("\" height=\"")
                .append(bars.size() * row + 4).append("\" aria-label=\"").append(esc(label(metric))).append("\">\n");
        for (int i = 0; i < bars.size(); i++) {
            TransparencyReport.Figure f = bars.get(i);
            double v = f.value() == null ? 0 : f.value().doubleValue();
            long w = max <= 0 ? 0 : Math.round(barWidth * v / max);
            int y = i * row;
            b.append("<g><title>").append(esc(label(f.dimension()))).append(": ").append(TransparencyReport.plain(f.value()))
                    .append("</title><text x=\"0\" y=\"").append(y + 15).append("\">").append(esc(label(f.dimension())))
                    .append("</text><rect x=\"").append(labelWidth).append("\" y=\"").append(y + 3).append("\" width=\"")
                    .append(w).append("\" height=\"").append(row - 6).append("\" fill=\"#3b6fd4\"/><text x=\"")
                    .append(labelWidth + w + 6).append("\" y=\"").append(y + 15).append("\">")
                    .append(TransparencyReport.plain(f.value())).append("</text></g>\n");
        }
        b.append("</svg>\n");
    }

    private static String shown(String metric, Number value) {
        if (value == null) {
            return "—";
        }
        String n = TransparencyReport.plain(value);
        if (metric.startsWith("median_seconds")) {
            double s = value.doubleValue();
            String human = s >= 86_400 ? round1(s / 86_400) + " days" : s >= 3600 ? round1(s / 3600) + " hours"
                    : s >= 60 ? round1(s / 60) + " minutes" : null;
            return human == null ? n + " s" : n + " s (" + human + ")";
        }
        return n;
    }

    private static String round1(double v) {
        return TransparencyReport.plain(Math.round(v * 10) / 10.0);
    }

    private static String label(String key) {
        String s = key.replace("median_seconds", "median_time").replace('_', ' ');
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
