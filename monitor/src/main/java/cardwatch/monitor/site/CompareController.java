package cardwatch.monitor.site;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * {@code GET /compare?p=a,b,c}: two to four platforms side by side (grade, score and its range, purchase success by
 * window, delivery, refunds, ICP filing, complaints, any open incident), from the same snapshot as the ranking. With
 * fewer than two, or names it does not know, it says so and offers a form to choose them.
 */
@Controller
class CompareController {

    static final int MIN = 2;
    static final int MAX = 4;
    /** The most ids a request may name before the rest are ignored (and said to be). */
    static final int READ_AT_MOST = 16;

    private final SiteAggregator aggregator;
    private final SitePages pages;

    CompareController(SiteAggregator aggregator, SitePages pages) {
        this.aggregator = aggregator;
        this.pages = pages;
    }

    @GetMapping(path = "/compare", produces = MediaType.TEXT_HTML_VALUE)
    ResponseEntity<String> compare(@RequestParam(name = "p", required = false) List<String> ids,
            HttpServletRequest request, HttpServletResponse response) {
        Locale locale = pages.locale(request);
        SiteSnapshot snapshot = aggregator.snapshot();
        Set<String> asked = new LinkedHashSet<>();
        if (ids != null) {
            ids.stream().flatMap(p -> java.util.Arrays.stream(p.split(","))).map(String::strip)
                    .filter(id -> !id.isEmpty()).limit(READ_AT_MOST).forEach(asked::add);
        }
        List<SiteSnapshot.Row> rows = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        for (String id : asked) {
            snapshot.row(id).ifPresentOrElse(rows::add, () -> unknown.add(id.length() > 64
                    ? id.substring(0, 64) + "…" : id));
        }
        String problem = !unknown.isEmpty() ? "unknown" : rows.size() < MIN ? "tooFew" : rows.size() > MAX ? "tooMany"
                : null;
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("rows", problem == null ? rows : List.of());
        model.put("problem", ids == null ? null : problem); // the bare page asks nothing of its reader yet
        model.put("unknown", String.join(", ", unknown));
        model.put("count", rows.size());
        model.put("min", MIN);
        model.put("max", MAX);
        model.put("chosen", rows.stream().map(SiteSnapshot.Row::id).toList());
        model.put("all", snapshot.rows().stream().sorted(java.util.Comparator.comparing(SiteSnapshot.Row::id))
                .toList());
        model.put("updated", snapshot.changedAt());
        // too few is a choice still being made (the platform page links here with one): the form, answered 200
        HttpStatus status = "unknown".equals(problem) || "tooMany".equals(problem) ? HttpStatus.BAD_REQUEST
                : HttpStatus.OK;
        return PlatformPageController.html(status, pages.render("site/compare", request, response, locale, model));
    }
}
