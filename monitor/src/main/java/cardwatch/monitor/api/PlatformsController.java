package cardwatch.monitor.api;

import cardwatch.monitor.platform.Platform;
import cardwatch.monitor.platform.PlatformCatalog;
import cardwatch.monitor.run.ProbeRun;
import cardwatch.monitor.run.RunRepository;
import cardwatch.probes.purchase.PurchaseProbe;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/platforms}: each platform with its last finished run, success ratios and delivery times; a
 * platform's finished runs as summaries. Public: no money, no order ids, no raw evidence.
 */
@RestController
@RequestMapping("/api/v1/platforms")
class PlatformsController {

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 500;
    private static final Map<String, Duration> WINDOWS = windows();

    private final PlatformCatalog catalog;
    private final RunRepository runs;
    private final Clock clock;
    private final cardwatch.monitor.crowd.ReportDesk reports;

    PlatformsController(PlatformCatalog catalog, RunRepository runs, Clock clock,
            cardwatch.monitor.crowd.ReportDesk reports) {
        this.reports = reports;
        this.catalog = catalog;
        this.runs = runs;
        this.clock = clock;
    }

    @GetMapping
    List<PlatformView> platforms() {
        Instant now = clock.instant();
        Map<String, ProbeRun> last = runs.lastFinished(PurchaseProbe.KIND);
        Map<String, Map<String, RunRepository.Counts>> counts = new LinkedHashMap<>();
        WINDOWS.forEach((name, window) -> counts.put(name, runs.counts(PurchaseProbe.KIND, now.minus(window))));
        Map<String, List<Long>> deliveries = runs.deliveries(now.minus(Duration.ofHours(24)));
        Map<String, Long> reported = reports.countsSince(now.minus(Duration.ofHours(24)));
        return catalog.all().stream().map(p -> view(p, last.get(p.id()), counts, deliveries.get(p.id()),
                reported.getOrDefault(p.id(), 0L))).toList();
    }

    @GetMapping("/{id}")
    ResponseEntity<?> platform(@PathVariable("id") String id) {
        return platforms().stream().filter(v -> v.id().equals(id)).findFirst()
                .<ResponseEntity<?>>map(ResponseEntity::ok).orElseGet(() -> unknown(id));
    }

    @GetMapping("/{id}/runs")
    ResponseEntity<?> runs(@PathVariable("id") String id,
            @RequestParam(name = "limit", defaultValue = "" + DEFAULT_LIMIT) int limit,
            @RequestParam(name = "probe", required = false) String probe) {
        return recent(id, limit, probe, recent -> recent.stream().map(RunSummary::of).filter(r -> r != null)
                .toList());
    }

    /**
     * A platform's recent runs, newest first, as {@code shown} makes them: 404 for an unknown platform, 400 for a
     * limit out of range.
     */
    ResponseEntity<?> recent(String id, int limit, String probe, Function<List<ProbeRun>, List<?>> shown) {
        if (catalog.find(id).isEmpty()) {
            return unknown(id);
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            return ResponseEntity.badRequest().body(ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
                    "limit must be between 1 and " + MAX_LIMIT + ", was " + limit));
        }
        return ResponseEntity.ok(shown.apply(probe == null ? runs.recent(id, limit) : runs.recent(id, probe, limit)));
    }

    private static ResponseEntity<?> unknown(String id) {
        return ResponseEntity.status(HttpStatus.NOT_FOUND)
                .body(ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, "no platform with id '" + id + "'"));
    }

    private PlatformView view(Platform p, ProbeRun last, Map<String, Map<String, RunRepository.Counts>> counts,
            List<Long> deliveries, long reported) {
        Map<String, PlatformView.Window> windows = new LinkedHashMap<>();
        counts.forEach((name, byPlatform) -> {
            RunRepository.Counts c = byPlatform.getOrDefault(p.id(), new RunRepository.Counts(0, 0));
            windows.put(name, new PlatformView.Window(c.judged(), c.successes(),
                    c.judged() == 0 ? null : (double) c.successes() / c.judged()));
        });
        return new PlatformView(p.id(), p.names(), p.protocol(), RunSummary.of(last),
                windows, percentile(deliveries, 0.50), percentile(deliveries, 0.95), p.purchaseMode(), reported);
    }

    /** Nearest-rank percentile in seconds over ascending values; null without data. */
    static Double percentile(List<Long> ascendingMillis, double q) {
        if (ascendingMillis == null || ascendingMillis.isEmpty()) {
            return null;
        }
        int rank = (int) Math.ceil(q * ascendingMillis.size());
        return ascendingMillis.get(Math.max(0, rank - 1)) / 1000.0;
    }

    private static Map<String, Duration> windows() {
        Map<String, Duration> windows = new LinkedHashMap<>();
        windows.put("1h", Duration.ofHours(1));
        windows.put("24h", Duration.ofHours(24));
        windows.put("7d", Duration.ofDays(7));
        return windows;
    }
}
