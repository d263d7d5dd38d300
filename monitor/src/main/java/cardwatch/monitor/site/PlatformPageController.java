package cardwatch.monitor.site;

import cardwatch.monitor.crowd.ReportDesk;
import cardwatch.monitor.icp.IcpStatusRepository;
import cardwatch.monitor.incident.IncidentRepository;
import cardwatch.monitor.reviews.ComplaintRepository;
import cardwatch.monitor.scoring.ScoreService;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;

/**
 * {@code GET /platforms/{id}}: one platform's score and components, 90 days of daily bars, the delivery chart,
 * failure reasons with what to do, the ICP record, recent complaints as plain text, and the incident history.
 */
@Controller
class PlatformPageController {

    static final int COMPLAINTS = 10;
    static final int INCIDENTS = 20;

    /** A failure reason as the page explains it. */
    record ReasonView(String code, int count, String title, String advice) {
    }

    /** A complaint as shown: plain text, what it is about in words, and a link only when it is http(s). */
    record ComplaintView(ComplaintRepository.Stored complaint, String link, List<String> about) {
    }

    private final SiteAggregator aggregator;
    private final SitePages pages;
    private final ScoreService scores;
    private final IcpStatusRepository icp;
    private final ComplaintRepository complaints;
    private final IncidentRepository incidents;
    private final ReportDesk reports;

    PlatformPageController(SiteAggregator aggregator, SitePages pages, ScoreService scores, IcpStatusRepository icp,
            ComplaintRepository complaints, IncidentRepository incidents, ReportDesk reports) {
        this.reports = reports;
        this.aggregator = aggregator;
        this.pages = pages;
        this.scores = scores;
        this.icp = icp;
        this.complaints = complaints;
        this.incidents = incidents;
    }

    @GetMapping(path = "/platforms/{id}", produces = MediaType.TEXT_HTML_VALUE)
    ResponseEntity<String> platform(@PathVariable("id") String id, HttpServletRequest request,
            HttpServletResponse response) {
        Locale locale = pages.locale(request);
        SiteSnapshot snapshot = aggregator.snapshot();
        SiteSnapshot.Row row = snapshot.row(id).orElse(null);
        if (row == null) {
            return pages.absent(id, request, response, locale);
        }
        SiteSnapshot.Detail detail = snapshot.details().get(id);
        SiteFormat fmt = pages.format(locale);
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("row", row);
        model.put("detail", detail);
        model.put("rank", snapshot.rank(id));
        model.put("platforms", snapshot.rows().size());
        model.put("score", scores.latest(id).orElse(null));
        model.put("chart", DeliveryChart.of(detail.delivery()));
        model.put("reasons", detail.reasons30d().entrySet().stream()
                .map(e -> new ReasonView(e.getKey(), e.getValue(), fmt.reason(e.getKey()), fmt.advice(e.getKey())))
                .toList());
        model.put("icp", icp.find(id).orElse(null));
        model.put("complaints", complaints.page(id, 0, COMPLAINTS).stream()
                .map(c -> new ComplaintView(c, safeLink(c.url()), fmt.complaintCategories(c.categories())))
                .toList());
        model.put("complaintTotal", complaints.count(id));
        List<IncidentRepository.Incident> history = incidents.find(null, id, INCIDENTS);
        model.put("incidents", history);
        model.put("openWhy", history.stream().filter(i -> "open".equals(i.state())).findFirst()
                .map(i -> i.why(fmt.english())).orElse(null));
        ReportDesk.Recent reported = reports.recent(id);
        model.put("reports24h", reported.total());
        model.put("reportSpike", reported.spike());
        model.put("updated", snapshot.changedAt());
        return html(HttpStatus.OK, pages.render("site/platform", request, response, locale, model));
    }

    static ResponseEntity<String> html(HttpStatus status, String body) {
        return html(status).body(body);
    }

    /** A page's answer before its body: HTML in UTF-8, varying with the reader's language. */
    static ResponseEntity.BodyBuilder html(HttpStatus status) {
        return ResponseEntity.status(status)
                .contentType(new MediaType(MediaType.TEXT_HTML, java.nio.charset.StandardCharsets.UTF_8))
                .header(HttpHeaders.VARY, "Accept-Language");
    }

    /**
     * Only absolute http and https URLs become links, in their normalised form (punycode host, percent-encoded
     * path): never javascript:, data:, protocol-relative or relative ones.
     */
    static String safeLink(String url) {
        if (url == null) {
            return null;
        }
        okhttp3.HttpUrl parsed = okhttp3.HttpUrl.parse(url);
        return parsed == null || !url.regionMatches(true, 0, parsed.scheme() + "://", 0, parsed.scheme().length() + 3)
                ? null : parsed.toString();
    }
}
