package io.stentor.safety;

import io.stentor.error.StentorException;
import io.stentor.server.ApiRequest;
import io.stentor.server.ApiResponse;
import io.stentor.server.Router;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

/**
 * The transparency report (DSA Art 15, 24): computed on demand for moderators and admins, as JSON
 * or CSV; published by an admin as a snapshot; the published ones listed for everyone and shown on
 * the public page {@code /transparency}.
 */
public final class ReportRoutes {

    /** The longest period a report covers. */
    static final long MAX_DAYS = 5 * 366;

    /** A period to publish. */
    record PeriodBody(String from, String to) {
    }

    private final TransparencyFigures figures;
    private final PublishedReports published;

    public ReportRoutes(TransparencyFigures figures, PublishedReports published) {
        this.figures = figures;
        this.published = published;
    }

    public void register(Router r) {
        r.get("/api/v1/admin/transparency-report", req -> {
            Staff.moderator(req.requireCaller());
            Period p = period(req.query("from").orElse(null), req.query("to").orElse(null));
            return answer(req, figures.report(p.from(), p.to()));
        });
        r.post("/api/v1/admin/transparency-reports", req -> {
            var admin = Staff.admin(req.requireCaller());
            PeriodBody b = req.body(PeriodBody.class);
            Period period = period(b.from(), b.to());
            TransparencyReport report = figures.report(period.from(), period.to());
            PublishedReports.Published p = published.publish(admin, report);
            return ApiResponse.created(Map.of("id", p.id(), "from", p.from().toString(), "to", p.to().toString(),
                    "publishedAt", p.publishedAt().toString(), "url", "/api/v1/transparency-reports/" + p.id(),
                    "page", "/transparency?report=" + p.id()));
        });
        r.get("/api/v1/transparency-reports", req -> ApiResponse.ok(Map.of("reports", published.list())));
        r.get("/api/v1/transparency-reports/{id}", req -> answer(req, published.report(req.param("id")).orElseThrow(
                () -> StentorException.notFound("report_not_found", "No published report with id " + req.param("id") + "."))));
        r.get("/transparency", req -> {
            List<PublishedReports.Published> all = published.list();
            PublishedReports.Published shown = req.query("report")
                    .map(id -> all.stream().filter(p -> p.id().equals(id)).findFirst().orElseThrow(() ->
                            StentorException.notFound("report_not_found", "No published report with id " + id + ".")))
                    .orElse(all.isEmpty() ? null : all.get(0));
            TransparencyReport report = shown == null ? null : published.report(shown.id()).orElseThrow();
            return ApiResponse.raw(200, "text/html; charset=utf-8", TransparencyPage.render(all, shown, report)
                    .getBytes(StandardCharsets.UTF_8))
                    .header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
                    .header("Cache-Control", "public, max-age=300");
        });
    }

    /** JSON, or CSV when asked with {@code ?format=csv} or {@code Accept: text/csv}. */
    private static ApiResponse answer(ApiRequest req, TransparencyReport report) {
        String format = req.query("format").orElse(req.header("Accept").filter(a -> a.contains("text/csv")).isPresent()
                ? "csv" : "json");
        return switch (format) {
            case "json" -> ApiResponse.ok(report.json());
            case "csv" -> ApiResponse.raw(200, "text/csv; charset=utf-8", report.csv().getBytes(StandardCharsets.UTF_8))
                    .header("Content-Disposition", "attachment; filename=\"transparency-" + report.from() + "-"
                            + report.to() + ".csv\"");
            default -> throw StentorException.badRequest("invalid_format", "format is json or csv.");
        };
    }

    /** Days {@code from} to {@code to}, inclusive. */
    private record Period(LocalDate from, LocalDate to) {
    }

    /** The period, once both ends are checked: from on or before to, at most {@link #MAX_DAYS} days. */
    private static Period period(String fromText, String toText) {
        LocalDate from = date(fromText, "from");
        LocalDate to = date(toText, "to");
        if (from.isAfter(to)) {
            throw StentorException.badRequest("invalid_period", "from (" + from + ") is after to (" + to + ").");
        }
        if (ChronoUnit.DAYS.between(from, to) >= MAX_DAYS) {
            throw StentorException.badRequest("invalid_period", "A report covers at most " + MAX_DAYS + " days.");
        }
        return new Period(from, to);
    }

    private static LocalDate date(String text, String name) {
        if (text == null || text.isBlank()) {
            throw StentorException.badRequest("invalid_period", name + " is required (YYYY-MM-DD).");
        }
        try {
            return LocalDate.parse(text.strip());
        } catch (DateTimeParseException e) {
            throw StentorException.badRequest("invalid_period", name + " must be a date, YYYY-MM-DD; got '" + text + "'.");
        }
    }
}
