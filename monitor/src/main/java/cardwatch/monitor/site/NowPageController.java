package cardwatch.monitor.site;

import cardwatch.monitor.crowd.ReportDesk;
import cardwatch.monitor.platform.Platform;
import cardwatch.monitor.platform.PlatformCatalog;
import cardwatch.monitor.run.ProbeRun;
import cardwatch.monitor.run.RunRepository;
import cardwatch.monitor.system.CardwatchProperties;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;

/**
 * {@code GET /platforms/{id}/now}: "是不是只有我？" for a buyer whose order went wrong a moment ago. Each probe's last
 * runs and how many minutes ago, any open incident in words, the last 24 hours of runs as a timeline of clock hours,
 * and what to do, in order, with the platform's measured refund times and the platforms graded A as alternatives.
 * The page is rendered once per platform and language every {@link #FRESH} and may be cached as long by anyone.
 */
@Controller
class NowPageController {

    static final Duration FRESH = Duration.ofSeconds(15);
    static final Duration TIMELINE = Duration.ofHours(24);
    /** A timeline cell: a clock hour, as retention rolls runs up. */
    static final Duration SLOT = Duration.ofHours(1);
    static final int RECENT = 6;
    /** The most runs a timeline reads: a day of a probe every few seconds (the demo) is thinned to its newest. */
    static final int MAX_RUNS = 20_000;
    static final Duration REFUND_WINDOW = Duration.ofDays(90);
    static final int ALTERNATIVES = 5;

    /** One finished run, as the buyer reads it. */
    record RunView(Instant endedAt, long minutesAgo, String outcome, String words) {
    }

    /** A probe right now: its newest finished runs, newest first. */
    record ProbeNow(String probe, String name, List<RunView> runs) {

        public RunView last() {
            return runs.isEmpty() ? null : runs.get(0);
        }
    }

    /** Half an hour of a probe's runs: {@code none}, {@code ok}, {@code degraded} or {@code outage}. */
    record Slot(Instant from, int successes, int failures, String state) {
    }

    record Lane(String probe, String name, List<Slot> slots) {
    }

    /** An hour of buyers' reports: when it began, how many. */
    record ReportHour(Instant from, long count) {
    }

    /** What the platform's refunds took, measured: their count and median, in minutes. */
    record Refunds(int count, Long medianMinutes) {
    }

    private final SiteAggregator aggregator;
    private final SitePages pages;
    private final PlatformCatalog catalog;
    private final RunRepository runs;
    private final ReportDesk reports;
    private final Clock clock;
    private final ZoneId zone;
    private final Cache<String, String> rendered = Caffeine.newBuilder().expireAfterWrite(FRESH).maximumSize(2000)
            .build();

    NowPageController(SiteAggregator aggregator, SitePages pages, PlatformCatalog catalog, RunRepository runs,
            ReportDesk reports, Clock clock, CardwatchProperties properties) {
        this.reports = reports;
        this.aggregator = aggregator;
        this.pages = pages;
        this.catalog = catalog;
        this.runs = runs;
        this.clock = clock;
        this.zone = ZoneId.of(properties.schedule().timeZone());
    }

    @GetMapping(path = "/platforms/{id}/now", produces = MediaType.TEXT_HTML_VALUE)
    ResponseEntity<String> now(@PathVariable("id") String id, HttpServletRequest request,
            HttpServletResponse response) {
        Locale locale = pages.locale(request);
        Optional<SiteSnapshot.Row> row = aggregator.snapshot().row(id);
        Optional<Platform> platform = catalog.find(id);
        if (row.isEmpty() || platform.isEmpty()) {
            return pages.absent(id, request, response, locale);
        }
        String body = rendered.get(id + "/" + locale.getLanguage(),
                key -> pages.render("site/now", request, response, locale, model(row.get(), platform.get(), locale)));
        return ResponseEntity.ok()
                .contentType(new MediaType(MediaType.TEXT_HTML, java.nio.charset.StandardCharsets.UTF_8))
                .header(HttpHeaders.VARY, "Accept-Language").cacheControl(CacheControl.maxAge(FRESH).cachePublic())
                .body(body);
    }

    private Map<String, Object> model(SiteSnapshot.Row row, Platform platform, Locale locale) {
        SiteFormat fmt = pages.format(locale);
        Instant now = clock.instant();
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("row", row);
        model.put("now", now);
        List<ProbeNow> probes = new ArrayList<>();
        for (String probe : platform.schedules().keySet()) {
            List<RunView> recent = runs.recent(platform.id(), probe, RECENT * 2).stream()
                    .filter(r -> r.endedAt() != null).limit(RECENT).map(r -> view(r, now, fmt)).toList();
            probes.add(new ProbeNow(probe, fmt.probe(probe), recent));
        }
        model.put("probes", probes);
        model.put("lanes", lanes(platform, now, fmt));
        model.put("slotMinutes", SLOT.toMinutes());
        List<Long> refunds = runs.refundTimes(platform.id(), now.minus(REFUND_WINDOW));
        model.put("refunds", new Refunds(refunds.size(), refunds.isEmpty() ? null
                : Math.max(1, Math.round(refunds.get(refunds.size() / 2) / 60_000.0))));
        int hour = now.atZone(zone).getHour();
        model.put("bankWindow", hour < 3);
        model.put("alternatives", aggregator.snapshot().rows().stream()
                .filter(r -> "A".equals(r.grade()) && !r.unverified() && !r.id().equals(row.id())
                        && r.incident() == null)
                .limit(ALTERNATIVES).toList());
        ReportDesk.Recent reported = reports.recent(platform.id());
        List<ReportHour> reportHours = new ArrayList<>();
        for (int i = 0; i < reported.hourly().length; i++) {
            reportHours.add(new ReportHour(reported.from().plus(Duration.ofHours(i)), reported.hourly()[i]));
        }
        model.put("reportHours", reportHours);
        model.put("reportTotal", reported.total());
        model.put("reportMax", Math.max(1, reported.max()));
        model.put("reportSpike", reported.spike());
        model.put("updated", now);
        return model;
    }

    private static RunView view(ProbeRun run, Instant now, SiteFormat fmt) {
        return new RunView(run.endedAt(), Math.max(0, Duration.between(run.endedAt(), now).toMinutes()),
                run.outcome(), words(run.outcome(), run.reason(), fmt));
    }

    /** A run's end in words: a success, the platform's failure by its reason, or our own error (not the platform's). */
    static String words(String outcome, String reason, SiteFormat fmt) {
        return switch (outcome) {
            case "success" -> fmt.msg("now.outcome.success");
            case "failure" -> fmt.reason(reason);
            default -> fmt.msg("now.outcome.error");
        };
    }

    /**
     * The last 24 hours of each probe, in clock hours, oldest first, the hour under way last; errors (ours) and
     * maintenance count for nothing. Hours retention has rolled up come from their roll-ups (raw storefront checks
     * are kept hours, not a day).
     */
    private List<Lane> lanes(Platform platform, Instant now, SiteFormat fmt) {
        Instant start = now.truncatedTo(ChronoUnit.HOURS).minus(TIMELINE);
        int slots = (int) TIMELINE.dividedBy(SLOT) + 1;
        Map<String, Map<Instant, int[]>> hours = runs.hourly(platform.id(), start, MAX_RUNS);
        List<Lane> lanes = new ArrayList<>();
        for (String probe : platform.schedules().keySet()) {
            Map<Instant, int[]> lane = hours.getOrDefault(probe, Map.of());
            List<Slot> list = new ArrayList<>();
            for (int i = 0; i < slots; i++) {
                Instant from = start.plus(SLOT.multipliedBy(i));
                int[] counts = lane.getOrDefault(from, new int[2]);
                int ok = counts[0];
                int failed = counts[1];
                String state = ok + failed == 0 ? "none" : failed == 0 ? "ok" : ok * 2 < ok + failed ? "outage"
                        : "degraded";
                list.add(new Slot(from, ok, failed, state));
            }
            lanes.add(new Lane(probe, fmt.probe(probe), list));
        }
        return lanes;
    }
}
