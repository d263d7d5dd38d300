package cardwatch.monitor.site;

import cardwatch.monitor.crowd.ReportDesk;
import cardwatch.monitor.crowd.ReportForm;
import cardwatch.monitor.crowd.Symptom;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.net.URI;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * "我也遇到了问题": the anonymous report form of a platform ({@code GET /platforms/{id}/report}) and its post. A post
 * larger than {@link #MAX_BODY} bytes is refused unread; one with problems is answered 400 with the form, each
 * problem by its field, and nothing stored; one past the limits 429. A stored (or duplicate) report redirects to the
 * form with thanks.
 */
@Controller
class ReportPageController {

    static final long MAX_BODY = 2048;

    private final SiteAggregator aggregator;
    private final SitePages pages;
    private final ReportDesk desk;
    private final java.time.Clock clock;

    ReportPageController(SiteAggregator aggregator, SitePages pages, ReportDesk desk, java.time.Clock clock) {
        this.clock = clock;
        this.aggregator = aggregator;
        this.pages = pages;
        this.desk = desk;
    }

    @GetMapping(path = "/platforms/{id}/report", produces = MediaType.TEXT_HTML_VALUE)
    ResponseEntity<String> form(@PathVariable("id") String id,
            @RequestParam(name = "done", required = false) String done, HttpServletRequest request,
            HttpServletResponse response) {
        Optional<SiteSnapshot.Row> row = aggregator.snapshot().row(id);
        Locale locale = pages.locale(request);
        if (row.isEmpty()) {
            return pages.absent(id, request, response, locale);
        }
        Map<String, Object> model = model(row.get(), new ReportForm(null, null, null, null), Map.of());
        model.put("done", "stored".equals(done) || "duplicate".equals(done) ? done : null);
        return PlatformPageController.html(HttpStatus.OK, pages.render("site/report", request, response, locale,
                model));
    }

    @PostMapping(path = "/platforms/{id}/report", produces = MediaType.TEXT_HTML_VALUE)
    ResponseEntity<String> post(@PathVariable("id") String id, HttpServletRequest request,
            HttpServletResponse response) {
        Locale locale = pages.locale(request);
        Optional<SiteSnapshot.Row> row = aggregator.snapshot().row(id);
        if (request.getContentLengthLong() > MAX_BODY) {
            return PlatformPageController.html(HttpStatus.CONTENT_TOO_LARGE, pages.render("site/report-refused",
                    request, response, locale, Map.of("why", "tooLarge")));
        }
        if (row.isEmpty()) {
            if (!pages.watched(id)) { // counted as refused: no platform of ours
                desk.receive(id, new ReportForm(null, null, null, null), null, null, request.getRemoteAddr());
            }
            return pages.absent(id, request, response, locale);
        }
        ReportForm form = new ReportForm(field(request, "symptom"), field(request, "happened"),
                field(request, "amount"), field(request, "order"));
        ReportDesk.Received received = desk.receive(id, form, field(request, "challenge"), field(request, "answer"),
                request.getRemoteAddr());
        String lang = pages.format(locale).lang();
        return switch (received.outcome()) {
            case STORED, DUPLICATE -> ResponseEntity.status(HttpStatus.SEE_OTHER).location(URI.create("/platforms/" + id
                    + "/report?done=" + received.outcome().label() + "&lang=" + lang)).build();
            case LIMITED -> PlatformPageController.html(HttpStatus.TOO_MANY_REQUESTS, pages.render(
                    "site/report-refused", request, response, locale, Map.of("why", "limited")));
            case CHALLENGE_FAILED -> PlatformPageController.html(HttpStatus.BAD_REQUEST, pages.render("site/report",
                    request, response, locale, model(row.get(), form, Map.of("answer",
                            new ReportForm.Problem("report.error.answer", null)))));
            default -> PlatformPageController.html(HttpStatus.BAD_REQUEST, pages.render("site/report", request,
                    response, locale, model(row.get(), form, received.problems())));
        };
    }

    /** A form field, cut at 200 characters (no field needs more): the rest is never read into a message. */
    private static String field(HttpServletRequest request, String name) {
        String value = request.getParameter(name);
        return value == null ? null : value.length() > 200 ? value.substring(0, 200) : value;
    }

    private Map<String, Object> model(SiteSnapshot.Row row, ReportForm form, Map<String, ReportForm.Problem> problems) {
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("row", row);
        model.put("form", form);
        model.put("problems", problems);
        model.put("symptoms", Arrays.stream(Symptom.values()).map(Symptom::code).toList());
        var challenge = desk.challenge();
        model.put("challenge", challenge);
        LocalDateTime now = LocalDateTime.ofInstant(clock.instant(), desk.zone()).truncatedTo(ChronoUnit.MINUTES);
        model.put("nowLocal", now.toString());
        model.put("earliestLocal", now.minusDays(7).toString());
        model.put("fields", List.of("symptom", "happened", "amount", "order"));
        return model;
    }
}
