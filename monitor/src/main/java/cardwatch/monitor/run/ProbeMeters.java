package cardwatch.monitor.run;

import cardwatch.monitor.platform.Platform;
import cardwatch.monitor.platform.PlatformCatalog;
import cardwatch.monitor.platform.PlatformMeters;
import cardwatch.probes.Outcome;
import cardwatch.probes.ProbeResult;
import cardwatch.probes.Reason;
import cardwatch.probes.availability.AvailabilityProbe;
import cardwatch.probes.purchase.PurchaseProbe;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.stereotype.Component;

/**
 * The platform-facing meters of probe runs, lean enough for 20,000 platforms (see {@link #SERIES_PER_PLATFORM}). Per
 * platform: runs by outcome and reason (each probe's success series from the start, at 0; failure series when a
 * reason is first seen), one delivery histogram with a few buckets, each probe's last run with evidence, the purchase
 * schedule's interval, the TLS certificate's expiry, flags once seen, and a critical platform's mark. Run durations and phase breakdowns are
 * histograms per probe kind and phase, without the platform label; a platform's own phases are in its runs (the API).
 */
@Component
public class ProbeMeters implements PlatformMeters {

    static final String RUNS = "cardwatch.probe.runs";
    static final String DURATION = "cardwatch.probe.duration";
    static final String PHASE = "cardwatch.purchase.phase";
    static final String DELIVERY = "cardwatch.purchase.delivery";
    static final String LAST_RUN = "cardwatch.probe.last.run.timestamp";
    static final String PLATFORMS = "cardwatch.config.platforms";
    static final String AVAILABILITY_PHASE = "cardwatch.availability.phase";
    static final String CERT_EXPIRY = "cardwatch.tls.cert.expiry.timestamp";
    static final String FLAGS = "cardwatch.purchase.flags";
    static final String CRITICAL = "cardwatch.platform.critical";
    static final String INTERVAL = "cardwatch.probe.interval";
    /** The flags a purchase run can end with, or gain when its refund settles. */
    static final List<String> PURCHASE_FLAGS = List.of("notify_missing", "notify_conflict", "refund_pending",
            "refunded", "not_refunded");
    static final List<String> AVAILABILITY_PHASES = List.of("dns", "connect", "tls", "first_byte", "transfer");

    /** Probe runs and phases: 50 ms to 10 minutes. */
    static final Duration[] PROBE_BUCKETS = seconds(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600);
    /** Delivery: a few buckets around the 5-minute objective. */
    static final Duration[] DELIVERY_BUCKETS = seconds(30, 120, 300, 600);
    /**
     * The most series a platform with purchases and storefront checks has at the defaults, all meters together (runs,
     * last runs, the purchase interval, delivery, certificate, score, incident, budget, spend and the money alerts'
     * counters).
     */
    public static final int SERIES_PER_PLATFORM = 21;
    static final List<String> PURCHASE_PHASES = List.of(PurchaseProbe.PHASE_ORDER, PurchaseProbe.PHASE_CONFIRM,
            PurchaseProbe.PHASE_DELIVER);

    private final PlatformCatalog catalog;
    private final Map<String, AtomicLong> lastRun = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> certExpiry = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> purchaseInterval = new ConcurrentHashMap<>();
    /** The timers without a platform label, by name and tag: kept, not looked up with a new builder every run. */
    private final Map<String, Timer> shared = new ConcurrentHashMap<>();
    /** The run counters by platform, probe, outcome and reason, kept for the same reason. */
    private final Map<RunKey, Counter> runCounters = new ConcurrentHashMap<>();
    private volatile MeterRegistry registry;

    private record RunKey(String platform, String probe, Outcome outcome, Reason reason) {
    }

    public ProbeMeters(PlatformCatalog catalog) {
        this.catalog = catalog;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        this.registry = registry;
        shared.clear();
        runCounters.clear();
        Gauge.builder(PLATFORMS, catalog, c -> c.all().size())
                .description("Platforms in the configuration").register(registry);
        catalog.all().forEach(p -> bind(registry, p));
    }

    @Override
    public void bind(MeterRegistry registry, Platform platform) {
        if (platform.critical()) {
            Gauge.builder(CRITICAL, () -> 1).description("1 for a platform opted in as critical (its outages page); "
                    + "absent for the others").tag("platform", platform.id()).register(registry);
        }
        for (String probe : platform.schedules().keySet()) {
            runs(platform.id(), probe, Outcome.SUCCESS, Reason.NONE);
            duration(probe);
            AtomicLong seconds = lastRun.computeIfAbsent(key(platform.id(), probe), k -> new AtomicLong());
            Gauge.builder(LAST_RUN, seconds, AtomicLong::get).baseUnit("seconds")
                    .description("When the probe last finished a run with evidence about the platform (outcome "
                            + "success or failure; an error run is ours and says nothing), as a Unix time; 0 before "
                            + "the first")
                    .tags("platform", platform.id(), "probe", probe).register(registry);
            if (probe.equals(PurchaseProbe.KIND)) {
                PURCHASE_PHASES.forEach(this::phase);
                delivery(platform.id());
                interval(registry, platform);
            }
            if (probe.equals(AvailabilityProbe.KIND)) {
                AVAILABILITY_PHASES.forEach(this::availabilityPhase);
            }
        }
    }

    /**
     * The purchase schedule's longest wait between runs, which the stale alert allows three of: purchases are
     * spread to what the budget pays for, so their intervals differ from platform to platform (every 20 minutes
     * to every few hours at the defaults). Not exported when a cron expression's gap cannot be told.
     */
    private void interval(MeterRegistry registry, Platform platform) {
        Duration gap = platform.schedules().get(PurchaseProbe.KIND).longestGap();
        if (gap == null) {
            return;
        }
        AtomicLong seconds = purchaseInterval.computeIfAbsent(platform.id(), k -> new AtomicLong());
        seconds.set(gap.toSeconds());
        Gauge.builder(INTERVAL, seconds, AtomicLong::get).baseUnit("seconds")
                .description("The longest wait between two purchase runs the platform's schedule plans (its interval, "
                        + "or a cron expression's longest gap)")
                .tags("platform", platform.id(), "probe", PurchaseProbe.KIND).register(registry);
    }

    /** A changed platform keeps its last runs; one removed starts again from 0 should it come back. */
    @Override
    public void forget(java.util.Set<String> platforms, boolean removed) {
        if (platforms.isEmpty()) {
            return;
        }
        runCounters.keySet().removeIf(k -> platforms.contains(k.platform()));
        certExpiry.keySet().removeAll(platforms);
        purchaseInterval.keySet().removeAll(platforms);
        if (removed) {
            lastRun.keySet().removeIf(k -> platforms.contains(k.substring(0, k.indexOf('\u0000'))));
        }
    }

    void record(String platform, String probe, ProbeResult result, Duration took, Instant endedAt) {
        if (catalog.find(platform).isEmpty()) {
            return; // removed while its run went on: its series are gone and stay gone
        }
        runs(platform, probe, result.outcome(), result.reason()).increment();
        duration(probe).record(took);
        if (probe.equals(PurchaseProbe.KIND)) {
            result.phases().forEach((phase, time) -> phase(phase).record(time));
            if (result.delivery() != null) {
                delivery(platform).record(result.delivery());
            }
            result.flags().forEach(flag -> flagged(platform, flag.label()));
        }
        if (probe.equals(AvailabilityProbe.KIND)) {
            result.phases().forEach((phase, time) -> availabilityPhase(phase).record(time));
            if (result.certificateExpiry() != null) {
                certExpiry.computeIfAbsent(platform, p -> {
                    AtomicLong expiry = new AtomicLong();
                    Gauge.builder(CERT_EXPIRY, expiry, AtomicLong::get).baseUnit("seconds")
                            .description("When the platform's TLS certificate expires, as a Unix time")
                            .tag("platform", p).register(registry);
                    return expiry;
                }).set(result.certificateExpiry().getEpochSecond());
            }
        }
        AtomicLong seconds = lastRun.get(key(platform, probe));
        if (seconds != null && result.outcome() != Outcome.ERROR) {
            seconds.set(endedAt.getEpochSecond());
        }
    }

    /** A purchase run ended with, or gained, a flag (a refund settles later: refunded, not_refunded). */
    public void flagged(String platform, String flag) {
        if (registry != null && PURCHASE_FLAGS.contains(flag)) {
            flags(platform, flag).increment();
        }
    }

    private Counter flags(String platform, String flag) {
        return Counter.builder(FLAGS).description("Purchase runs by flag: notify_missing (the state came only by "
                + "query), notify_conflict (a signed notify and the query disagreed), refund_pending, refunded, "
                + "not_refunded").tags("platform", platform, "flag", flag).register(registry);
    }

    private Counter runs(String platform, String probe, Outcome outcome, Reason reason) {
        return runCounters.computeIfAbsent(new RunKey(platform, probe, outcome, reason), k -> Counter.builder(RUNS)
                .description("Probe runs by outcome and reason (reason none on success)")
                .tags("platform", platform, "probe", probe, "outcome", outcome.label(), "reason", reason.label())
                .register(registry));
    }

    private Timer duration(String probe) {
        return shared.computeIfAbsent(key(DURATION, probe), k -> Timer.builder(DURATION)
                .description("How long probe runs take, all platforms")
                .serviceLevelObjectives(PROBE_BUCKETS).tags("probe", probe).register(registry));
    }

    private Timer phase(String phase) {
        return shared.computeIfAbsent(key(PHASE, phase), k -> Timer.builder(PHASE)
                .description("Time per purchase phase (order, confirm, deliver), all platforms")
                .serviceLevelObjectives(PROBE_BUCKETS).tags("phase", phase).register(registry));
    }

    private Timer availabilityPhase(String phase) {
        return shared.computeIfAbsent(key(AVAILABILITY_PHASE, phase), k -> Timer.builder(AVAILABILITY_PHASE)
                .description("Time per phase of an availability probe's request, all platforms")
                .serviceLevelObjectives(PROBE_BUCKETS).tags("phase", phase).register(registry));
    }

    private Timer delivery(String platform) {
        return Timer.builder(DELIVERY).description("Order submitted to card code delivered, successful purchases")
                .serviceLevelObjectives(DELIVERY_BUCKETS).tags("platform", platform).register(registry);
    }

    private static String key(String platform, String probe) {
        return platform + "\u0000" + probe;
    }

    private static Duration[] seconds(double... values) {
        Duration[] out = new Duration[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Duration.ofMillis(Math.round(values[i] * 1000));
        }
        return out;
    }
}
