package cardwatch.monitor.scheduling;

import cardwatch.monitor.admin.Pauses;
import cardwatch.monitor.platform.Platform;
import cardwatch.monitor.platform.PlatformCatalog;
import cardwatch.monitor.purchase.PurchaseEngine;
import cardwatch.monitor.run.RunGuard;
import cardwatch.monitor.platform.MaintenanceWindow;
import cardwatch.probes.Outcome;
import java.util.List;
import java.util.Map;
import java.util.Set;
import cardwatch.monitor.run.RunRecorder;
import cardwatch.monitor.run.RunRepository;
import cardwatch.monitor.run.RunStart;
import cardwatch.monitor.system.ProbeRegistry;
import cardwatch.monitor.system.ThrottledLog;
import cardwatch.probes.Probe;
import cardwatch.probes.ProbeContext;
import cardwatch.probes.ProbeResult;
import cardwatch.probes.Reason;
import cardwatch.probes.http.HttpTransport;
import cardwatch.probes.purchase.NotifyInbox;
import cardwatch.probes.purchase.PurchaseProbe;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Takes a trigger's fire from Quartz, or the checks a shard's tick found due ({@link CheckShards}), and runs each
 * probe in its kind's bulkhead (its own pool, a limit per host), so a slow platform never holds a scheduler thread or
 * delays the others; a purchase is handed to the {@link PurchaseEngine}, whose steps hold no thread while they wait.
 * Each fire is delayed by a random share of the platform's jitter (a check's by its shard); a fire that finds the
 * previous run of the same platform and probe still going is skipped, never overlapped.
 */
@Component
public class ProbeDispatcher implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(ProbeDispatcher.class);

    private final PlatformCatalog catalog;
    private final ProbeRegistry registry;
    private final RunRepository runs;
    private final RunRecorder recorder;
    private final SchedulerMeters meters;
    private final HttpTransport http;
    private final NotifyInbox inbox;
    private final Clock clock;
    private final RunGuard guard;
    private final PurchaseEngine purchases;
    private final Bulkheads bulkheads;
    private final Pauses pauses;
    private final ScheduledExecutorService jitterTimer;
    /** Skips are counted in a metric; the log gets the first of each kind and a count every 10 s, not a flood. */
    private final ThrottledLog skipLog;

    ProbeDispatcher(PlatformCatalog catalog, ProbeRegistry registry, RunRepository runs, RunRecorder recorder,
            SchedulerMeters meters, HttpTransport http, NotifyInbox inbox, Clock clock,
            RunGuard guard, PurchaseEngine purchases, Bulkheads bulkheads, Pauses pauses) {
        this.catalog = catalog;
        this.registry = registry;
        this.runs = runs;
        this.recorder = recorder;
        this.meters = meters;
        this.http = http;
        this.inbox = inbox;
        this.clock = clock;
        this.guard = guard;
        this.purchases = purchases;
        this.bulkheads = bulkheads;
        this.pauses = pauses;
        this.jitterTimer = Executors.newSingleThreadScheduledExecutor(named("probe-jitter"));
        this.skipLog = new ThrottledLog(clock, Duration.ofSeconds(10));
    }

    /**
     * A trigger fired for {@code platformId}'s {@code probe} at {@code scheduledFire}; nothing is started while an
     * operator has the platform paused.
     */
    public void fire(String platformId, String probe, Instant scheduledFire) {
        if (pauses.paused(platformId)) {
            return;
        }
        Optional<Platform> platform = known(platformId, probe);
        if (platform.isEmpty() || !acquire(platformId, probe, scheduledFire)) {
            return;
        }
        Duration jitter = platform.get().schedules().get(probe).jitter();
        long delay = jitter.isZero() ? 0 : ThreadLocalRandom.current().nextLong(jitter.toMillis());
        Instant planned = scheduledFire.plusMillis(delay);
        long wait = Duration.between(clock.instant(), planned).toNanos();
        if (wait <= 0) { // due now: straight to the bulkhead, without a hop through the timer's thread
            submit(platform.get(), probe, scheduledFire, planned);
            return;
        }
        try {
            jitterTimer.schedule(() -> submit(platform.get(), probe, scheduledFire, planned), wait,
                    TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            guard.release(platformId, probe);
        }
    }

    /** What came of an operator's "run now". */
    public enum RunNow {
        /** started: its fire time names the run */
        STARTED,
        /** the platform has no such probe configured */
        NO_SUCH_PROBE,
        /** the platform's previous run of that probe is still going: one at a time, as for scheduled runs */
        BUSY
    }

    /**
     * An operator's "run now": the platform's probe, started at once (no jitter), paused or not, through the same
     * guard (one run of a platform's probe at a time) and, for a purchase, the same budget as a scheduled one.
     *
     * @param fire the time that names the run (its {@code scheduledFire})
     */
    public RunNow runNow(String platformId, String probe, Instant fire) {
        Optional<Platform> platform = catalog.find(platformId).filter(p -> p.schedules().containsKey(probe));
        if (platform.isEmpty()) {
            return RunNow.NO_SUCH_PROBE;
        }
        if (!guard.acquire(platformId, probe)) {
            return RunNow.BUSY;
        }
        submit(platform.get(), probe, fire, fire);
        return RunNow.STARTED;
    }

    /**
     * Starts the checks a shard's tick found planned for {@code tick} (epoch milliseconds), their jitter already
     * applied. A tick that comes early (Quartz hands over triggers due within its fire-ahead window together) waits
     * for its time on the timer, all its checks as one task.
     */
    void startAt(long tick, List<CheckShards.Due> due) {
        if (due.isEmpty()) {
            return;
        }
        long wait = tick - clock.millis();
        if (wait <= 0) {
            due.forEach(this::start);
            return;
        }
        try {
            jitterTimer.schedule(() -> due.forEach(this::start), wait, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            log.debug("shutting down: {} checks planned for {} not started", due.size(), Instant.ofEpochMilli(tick));
        }
    }

    private void start(CheckShards.Due due) {
        if (pauses.paused(due.platform())) {
            return;
        }
        Optional<Platform> platform = known(due.platform(), due.probe());
        if (platform.isPresent() && acquire(due.platform(), due.probe(), due.fire())) {
            submit(platform.get(), due.probe(), due.fire(), due.planned());
        }
    }

    private Optional<Platform> known(String platformId, String probe) {
        Optional<Platform> platform = catalog.find(platformId);
        if (platform.isEmpty() || !platform.get().schedules().containsKey(probe)) {
            log.warn("trigger for {} {} has no platform entry; ignored", platformId, probe);
            return Optional.empty();
        }
        return platform;
    }

    /** Takes the platform's probe for this fire; false (and counted) when its previous run is still going. */
    private boolean acquire(String platformId, String probe, Instant scheduledFire) {
        if (guard.acquire(platformId, probe)) {
            return true;
        }
        meters.skip(SchedulerMeters.OVERLAP);
        long left = skipLog.pass(SchedulerMeters.OVERLAP);
        if (left >= 0) {
            log.warn("{} {}: the previous run is still going; the fire at {} is skipped{}", platformId, probe,
                    scheduledFire, more(left));
        }
        return false;
    }

    private void submit(Platform platform, String probe, Instant scheduledFire, Instant planned) {
        boolean taken = bulkheads.submit(probe, Bulkheads.host(platform), new Bulkheads.Task() {
            @Override
            public void run() {
                boolean handedOver = false;
                try {
                    handedOver = execute(platform, probe, scheduledFire, planned);
                } finally {
                    if (!handedOver) {
                        guard.release(platform.id(), probe);
                    }
                }
            }

            @Override
            public void rejected() {
                queueFull(platform, probe, planned);
            }
        });
        if (!taken) {
            queueFull(platform, probe, planned);
        }
    }

    private void queueFull(Platform platform, String probe, Instant planned) {
        guard.release(platform.id(), probe);
        meters.skip(SchedulerMeters.QUEUE_FULL);
        long left = skipLog.pass(SchedulerMeters.QUEUE_FULL);
        if (left >= 0) {
            log.warn("{} {}: the {} pool's queue is full; the run planned for {} is skipped{}", platform.id(), probe,
                    probe, planned, more(left));
        }
    }

    private static String more(long left) {
        return left == 0 ? "" : " (" + left + " more skipped for this reason since the last of these lines; "
                + "cardwatch_scheduler_skipped_total counts them all)";
    }

    /** Runs one probe; true when a purchase was handed to the engine, which then owns the run's guard key. */
    private boolean execute(Platform platform, String kind, Instant scheduledFire, Instant planned) {
        Instant start = clock.instant();
        meters.lag(Duration.between(planned, start));
        boolean purchase = kind.equals(PurchaseProbe.KIND);
        // only a purchase places an order; any other run is named in the log by its fire
        String clientOrderId = purchase ? ClientOrderIds.derive(platform.id(), kind, scheduledFire) : null;
        Object name = purchase ? clientOrderId : scheduledFire;
        // a purchase's row is written before anything is sent, and is what keeps any process from buying twice for
        // one fire; any other run's row is written once, at its end, and this process runs each fire once
        Optional<RunStart> run = purchase
                ? runs.begin(platform.id(), kind, scheduledFire, planned, start, clientOrderId)
                : guard.firstFire(platform.id(), kind, scheduledFire)
                        ? Optional.of(new RunStart(RunStart.UNSAVED, platform.id(), kind, scheduledFire, planned,
                                start, null)) // it places no order: its row has no order id
                        : Optional.empty();
        if (run.isEmpty()) {
            meters.skip(SchedulerMeters.ALREADY_RUN);
            log.warn("{} {}: the run for {} exists already; not run again", platform.id(), kind, scheduledFire);
            return false;
        }
        Optional<MaintenanceWindow> maintenance = platform.maintenanceAt(start);
        if (maintenance.isPresent()) {
            log.info("{} {} run {}: in its {}; nothing is sent", platform.id(), kind, name, maintenance.get());
            recorder.record(run.get(), new ProbeResult(Outcome.FAILURE, Reason.MAINTENANCE, Set.of(), Map.of(), null,
                    null, null, maintenance.get().toString()));
            return false;
        }
        if (purchase) {
            purchases.start(platform, run.get());
            return true;
        }
        Probe probe = registry.probes().get(kind);
        ProbeContext context = new ProbeContext(clock, http, inbox, null, null);
        ProbeResult result;
        try {
            result = probe.run(catalog.settings(platform), context);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.warn("{} {} run {} was interrupted by shutdown; its row stays unfinished", platform.id(), kind,
                    name);
            return false;
        } catch (RuntimeException e) {
            log.error("{} {} run {} failed inside Cardwatch", platform.id(), kind, name, e);
            result = ProbeResult.error(Reason.INTERNAL, e.getClass().getSimpleName());
        }
        recorder.record(run.get(), result);
        return false;
    }

    @Override
    public void destroy() {
        jitterTimer.shutdownNow();
    }

    private static java.util.concurrent.ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
