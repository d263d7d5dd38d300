package cardwatch.monitor.site;

import cardwatch.monitor.icp.IcpStatusRepository;
import cardwatch.monitor.incident.IncidentRepository;
import cardwatch.monitor.platform.Platform;
import cardwatch.monitor.platform.PlatformCatalog;
import cardwatch.monitor.reviews.ComplaintRepository;
import cardwatch.monitor.scoring.ScoreCalculator;
import cardwatch.monitor.scoring.ScoreService;
import cardwatch.monitor.system.CardwatchProperties;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Builds the {@link SiteSnapshot} the public pages render from: rolls runs up per day (all 90 days at the first
 * refresh, then yesterday and today from the rows written since the last refresh, so late-finishing runs still land
 * in their day), then joins the days with the
 * latest scores, ICP statuses, complaint counts and open incidents. Runs on its own schedule; requests never wait
 * for it.
 */
@Component
public class SiteAggregator implements cardwatch.monitor.run.RunRecorder.FindingSink,
        org.springframework.beans.factory.DisposableBean {

    static final int DAYS = 90;
    private static final Logger log = LoggerFactory.getLogger(SiteAggregator.class);

    private final PlatformCatalog catalog;
    private final RunDaily daily;
    private final ScoreService scores;
    private final IcpStatusRepository icp;
    private final ComplaintRepository complaints;
    private final IncidentRepository incidents;
    private final cardwatch.monitor.run.RunRepository runs;
    /** Each platform's latest purchase reason: read once at the first refresh, then told by every run. */
    private final Map<String, String> lastPurchase = new java.util.concurrent.ConcurrentHashMap<>();
    private final Clock clock;
    private final ZoneId zone;
    private final AtomicReference<SiteSnapshot> current;
    private boolean rebuiltAll;
    /** The days before yesterday, read from {@code run_daily} once on {@link #olderFor}. */
    private List<RunDaily.Day> older = List.of();
    private LocalDate olderFor;

    SiteAggregator(PlatformCatalog catalog, RunDaily daily, ScoreService scores, IcpStatusRepository icp,
            ComplaintRepository complaints, IncidentRepository incidents, cardwatch.monitor.run.RunRepository runs,
            Clock clock, CardwatchProperties properties) {
        this.catalog = catalog;
        this.daily = daily;
        this.scores = scores;
        this.icp = icp;
        this.complaints = complaints;
        this.incidents = incidents;
        this.runs = runs;
        this.clock = clock;
        this.zone = ZoneId.of(properties.schedule().timeZone());
        this.current = new AtomicReference<>(SiteSnapshot.empty(clock.instant()));
    }

    /** The latest snapshot; empty (no rows) until the first refresh. */
    public SiteSnapshot snapshot() {
        return current.get();
    }

    /** Whether the first refresh has finished: before it, pages say the figures are being computed. */
    public boolean ready() {
        return rebuiltAll;
    }

    /** Platforms' first results, onto the pages within seconds. */
    private final java.util.concurrent.ScheduledExecutorService early =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "site-first-results");
                t.setDaemon(true);
                return t;
            });
    private final FirstResults firstResults = new FirstResults(early, this::scheduledRefresh);

    @Override
    public void destroy() {
        early.shutdownNow();
    }

    @Scheduled(fixedDelayString = "${cardwatch.site.refresh:30s}", initialDelay = 1000)
    public void scheduledRefresh() {
        try {
            refresh();
        } catch (RuntimeException e) {
            log.warn("public page figures not refreshed: {}", e.toString());
        }
    }

    public synchronized SiteSnapshot refresh() {
        long started = System.nanoTime();
        try {
            return rebuild();
        } finally {
            firstResults.refreshed(started, System.nanoTime());
        }
    }

    private SiteSnapshot rebuild() {
        Instant now = clock.instant();
        LocalDate today = LocalDate.ofInstant(now, zone);
        LocalDate first = today.minusDays(DAYS - 1);
        RunDaily.Recent recent = rebuiltAll ? daily.update(zone, now) : daily.rebuild(first, zone, now);
        if (!today.equals(olderFor)) { // days before yesterday no longer change: read once a day
            // older days stay in run_daily for good (cardwatch.retention): the pages read the last DAYS of them
            LocalDate yesterday = today.minusDays(1);
            older = daily.since(first).stream().filter(day -> day.day().isBefore(yesterday)).toList();
            olderFor = today;
        }
        Map<String, List<RunDaily.Day>> days = new HashMap<>();
        for (List<RunDaily.Day> part : List.of(older, daily.live())) {
            for (RunDaily.Day day : part) {
                days.computeIfAbsent(day.platform(), key -> new ArrayList<>()).add(day);
            }
        }
        days.values().forEach(own -> own.sort(java.util.Comparator.comparing(RunDaily.Day::day)));
        Map<String, String> icpStatus = new HashMap<>();
        icp.all().forEach(check -> icpStatus.put(check.platform(), check.status()));
        Map<String, Long> complaintCounts = complaints.countsSince(now.minus(java.time.Duration.ofDays(30)));
        Map<String, SiteSnapshot.OpenIncident> open = new HashMap<>();
        for (IncidentRepository.Incident incident : incidents.find("open", null, Integer.MAX_VALUE)) {
            open.merge(incident.platform(), new SiteSnapshot.OpenIncident(incident.id(), incident.probe(),
                    incident.cause(), incident.openedAt()), (a, b) -> a.since().isBefore(b.since()) ? a : b);
        }

        if (!rebuiltAll) {
            runs.lastFinished(cardwatch.probes.purchase.PurchaseProbe.KIND).forEach((platform, run) ->
                    lastPurchase.putIfAbsent(platform, run.reason() == null ? "" : run.reason()));
        }
        List<SiteSnapshot.Row> rows = new ArrayList<>();
        Map<String, SiteSnapshot.Detail> details = new LinkedHashMap<>();
        for (Platform platform : catalog.all()) {
            List<RunDaily.Day> own = days.getOrDefault(platform.id(), List.of());
            ScoreCalculator.Score score = scores.latest(platform.id())
                    .orElseGet(() -> scores.compute(platform.id()).orElse(null));
            int[] last24h = recent.purchases24h().getOrDefault(platform.id(), new int[2]);
            boolean unverified = !scores.verified(platform.id());
            rows.add(new SiteSnapshot.Row(platform.id(), platform.nameZh(), platform.nameEn(),
                    score == null ? null : score.score(), score == null ? "?" : score.grade(),
                    new SiteSnapshot.Ratio(last24h[0], last24h[1]), ratio(own, today.minusDays(6)),
                    ratio(own, today.minusDays(29)), input(score, "delivery", "median_seconds"), refundRate(score),
                    icpStatus.get(platform.id()), complaintCounts.getOrDefault(platform.id(), 0L),
                    unverified ? null : open.get(platform.id()), score == null ? null : score.scoreHigh(),
                    score == null ? null : score.cap(), score != null && score.lostMoney(), unverified,
                    callbacks(own, today.minusDays(29), score), 0, false, platform.purchaseMode(),
                    untestable(lastPurchase.get(platform.id())), platform.domains()));
            details.put(platform.id(), detail(own, first, today));
        }
        rows = new ArrayList<>(Ranking.rank(rows));
        SiteSnapshot previous = current.get();
        long version = Objects.hash(rows, details);
        SiteSnapshot next = SiteSnapshot.of(version, version == previous.version() ? previous.changedAt() : now, rows,
                details);
        current.set(next);
        rebuiltAll = true;
        return next;
    }

    /**
     * Why the platform cannot be tested automatically, when its latest purchase run says so: it asks a captcha in the
     * purchase path, or refuses our requests as malformed (our adapter does not fit its release); else null.
     */
    static String untestable(String lastReason) {
        return "captcha".equals(lastReason) || "protocol_mismatch".equals(lastReason) ? lastReason : null;
    }

    /** Each finished purchase run: its reason is the platform's latest, kept here rather than asked of the table. */
    @Override
    public void record(String platform, String probe, cardwatch.probes.ProbeResult result, Instant at) {
        if (cardwatch.probes.purchase.PurchaseProbe.KIND.equals(probe)) {
            lastPurchase.put(platform, result.reason().label());
        }
        firstResults.ran(platform, System.nanoTime());
    }

    /** The ranking's order: see {@link Ranking}. */
    static final Comparator<SiteSnapshot.Row> RANKING = Ranking.ORDER;

    /**
     * Missing and contradicting callbacks over the purchases of 30 days. Where the score judges callbacks, its own
     * figures (missing of the purchases that should have been notified) are the ones shown, so that the notice and the
     * score's inputs on one page say the same; contradictions come from the daily roll-up, which alone counts them.
     */
    static SiteSnapshot.Callbacks callbacks(List<RunDaily.Day> days, LocalDate from, ScoreCalculator.Score score) {
        SiteSnapshot.Callbacks daily = callbacks(days, from);
        Double missing = input(score, "callbacks", "notify_missing");
        Double expected = input(score, "callbacks", "purchases_30d");
        return missing == null || expected == null ? daily
                : new SiteSnapshot.Callbacks(missing.intValue(), daily.conflicting(), expected.intValue());
    }

    private static SiteSnapshot.Callbacks callbacks(List<RunDaily.Day> days, LocalDate from) {
        int missing = 0;
        int conflicting = 0;
        int purchases = 0;
        for (RunDaily.Day day : days) {
            if (day.probe().equals("purchase") && !day.day().isBefore(from)) {
                missing += day.flags().getOrDefault("notify_missing", 0);
                conflicting += day.flags().getOrDefault("notify_conflict", 0);
                purchases += day.judged();
            }
        }
        return new SiteSnapshot.Callbacks(missing, conflicting, purchases);
    }

    private static SiteSnapshot.Ratio ratio(List<RunDaily.Day> days, LocalDate from) {
        SiteSnapshot.Ratio ratio = SiteSnapshot.Ratio.NONE;
        for (RunDaily.Day day : days) {
            if (day.probe().equals("purchase") && !day.day().isBefore(from)) {
                ratio = ratio.plus(day.successes(), day.judged());
            }
        }
        return ratio;
    }

    private static Double input(ScoreCalculator.Score score, String component, String input) {
        if (score == null || !score.components().containsKey(component)) {
            return null;
        }
        return score.components().get(component).inputs().get(input) instanceof Number n ? n.doubleValue() : null;
    }

    private static Double refundRate(ScoreCalculator.Score score) {
        Double settled = input(score, "refunds", "settled");
        Double inTime = input(score, "refunds", "refunded_within_24h");
        return settled == null || settled == 0 ? null : inTime / settled;
    }

    private static SiteSnapshot.Detail detail(List<RunDaily.Day> own, LocalDate first, LocalDate today) {
        Map<String, Integer> reasons = new HashMap<>();
        for (RunDaily.Day day : own) {
            if ((day.probe().equals("purchase") || day.probe().equals("availability"))
                    && !day.day().isBefore(today.minusDays(29))) {
                day.reasons().forEach((reason, count) -> reasons.merge(reason, count, Integer::sum));
            }
        }
        Map<String, Integer> sorted = new LinkedHashMap<>();
        reasons.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()
                .thenComparing(Map.Entry.comparingByKey())).forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return new SiteSnapshot.Detail(own, first, today, sorted);
    }
}
