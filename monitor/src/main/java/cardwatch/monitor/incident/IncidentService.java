package cardwatch.monitor.incident;

import cardwatch.monitor.hooks.AlertHooks;
import cardwatch.monitor.platform.PlatformCatalog;
import cardwatch.monitor.run.RunRecorder;
import cardwatch.monitor.system.CardwatchProperties;
import cardwatch.probes.Outcome;
import cardwatch.probes.ProbeResult;
import cardwatch.probes.Reason;
import cardwatch.probes.availability.AvailabilityProbe;
import cardwatch.probes.purchase.PurchaseProbe;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.Order;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Feeds each purchase and availability run to the {@link IncidentTracker} and stores what it decides: incidents
 * open, continue, gather failures and resolve, each step on the incident's timeline. Exports
 * {@code cardwatch_incident_open{platform}}: 1 while any probe of the platform has an open incident. When reference
 * endpoints are configured ({@code cardwatch.self-check.references}) and none answers, a platform failure is taken
 * for our own: it opens no platform incident, and one "monitor degraded" incident (platform {@code _monitor}) is open
 * until a reference answers again ({@code cardwatch_monitor_degraded}).
 */
@Service
@Order(50)
public class IncidentService implements RunRecorder.FindingSink, MeterBinder {

    private static final Logger log = LoggerFactory.getLogger(IncidentService.class);
    static final Set<String> PROBES = Set.of(PurchaseProbe.KIND, AvailabilityProbe.KIND);

    private final PlatformCatalog catalog;
    private final IncidentRepository incidents;
    private final IncidentTracker tracker;
    private final SelfCheck selfCheck;

    /** The pseudo platform and probe of the "monitor degraded" incident; no platform id can take this form. */
    public static final String MONITOR = "_monitor";
    static final String SELF_CHECK = "self-check";

    private final AlertHooks hooks;
    private final TransactionTemplate transactions;

    public IncidentService(PlatformCatalog catalog, IncidentRepository incidents, SelfCheck selfCheck,
            AlertHooks hooks, PlatformTransactionManager transactions, CardwatchProperties properties) {
        this.catalog = catalog;
        this.incidents = incidents;
        this.selfCheck = selfCheck;
        this.hooks = hooks;
        this.transactions = new TransactionTemplate(transactions);
        this.tracker = new IncidentTracker(IncidentTracker.Settings.from(properties.incidents()));
        restoreCounters(properties.incidents().window());
        for (IncidentRepository.Incident open : incidents.find("open", null, Integer.MAX_VALUE)) {
            tracker.restoreOpen(open.platform(), open.probe());
        }
    }

    /**
     * Primes the tracker from what is stored: each platform and probe active in the last week gets its judged runs
     * since its last incident changed, and when that incident resolved.
     */
    private void restoreCounters(int window) {
        for (List<String> key : incidents.activeSince(Instant.now().minus(Duration.ofDays(7)))) {
            String platform = key.get(0);
            String probe = key.get(1);
            java.util.Optional<IncidentRepository.Incident> last = incidents.latest(platform, probe);
            Instant after = last.map(i -> i.resolvedAt() != null ? i.resolvedAt() : i.openedAt()).orElse(null);
            tracker.prime(platform, probe, incidents.judgedRuns(platform, probe, after, window),
                    last.map(IncidentRepository.Incident::resolvedAt).orElse(null));
        }
    }

    static IncidentTracker.Verdict verdict(ProbeResult result) {
        if (result.outcome() == Outcome.ERROR || result.reason() == Reason.MAINTENANCE) {
            return IncidentTracker.Verdict.NOT_EVIDENCE;
        }
        return result.outcome() == Outcome.SUCCESS ? IncidentTracker.Verdict.SUCCESS : IncidentTracker.Verdict.FAILURE;
    }

    @Override
    public synchronized void record(String platform, String probe, ProbeResult result, Instant at) {
        if (!PROBES.contains(probe)) {
            return;
        }
        String reason = result.reason().label();
        IncidentTracker.Verdict verdict = verdict(result);
        if (verdict == IncidentTracker.Verdict.FAILURE && selfCheck.configured()
                && selfCheckChanged(selfCheck.degradedNow(), at)) {
            return;
        }
        IncidentTracker.Transition transition = tracker.observe(platform, probe, verdict, at);
        if (transition == IncidentTracker.Transition.NONE) {
            return;
        }
        transactions.executeWithoutResult(tx -> apply(transition, platform, probe, reason, at));
    }

    /** Stores a transition and queues its alerts, in one transaction. */
    private void apply(IncidentTracker.Transition transition, String platform, String probe, String reason,
            Instant at) {
        switch (transition) {
            case OPENED -> {
                long id = incidents.open(platform, probe, reason, at);
                alert(id, "opened", platform, probe, reason, at, at);
                log.warn("incident {} opened: {} {} failing ({})", id, platform, probe, reason);
            }
            case CONTINUED -> incidents.latest(platform, probe).ifPresentOrElse(last -> {
                incidents.failure(last.id(), reason, at, "reopened");
                alert(last.id(), "reopened", platform, probe, reason, last.openedAt(), at);
                log.warn("incident {} reopened: {} {} failing again ({})", last.id(), platform, probe, reason);
            }, () -> alert(incidents.open(platform, probe, reason, at), "opened", platform, probe, reason, at, at));
            case UPDATED -> incidents.latest(platform, probe)
                    .ifPresent(open -> incidents.failure(open.id(), reason, at, "updated"));
            case RESOLVED -> incidents.latest(platform, probe).ifPresent(open -> {
                incidents.resolve(open.id(), at);
                alert(open.id(), "resolved", platform, probe, open.cause(), open.openedAt(), at);
                log.info("incident {} resolved: {} {}", open.id(), platform, probe);
            });
            case NONE -> {
            }
        }
    }

    private void alert(long id, String event, String platform, String probe, String cause, Instant since,
            Instant at) {
        boolean english = "en".equals(hooks.language());
        String name = MONITOR.equals(platform) ? (english ? "Cardwatch monitor" : "Cardwatch 监控")
                : catalog.find(platform).map(p -> english ? p.nameEn() : p.nameZh()).orElse(platform);
        hooks.enqueue(id, event, platform, name, probe, cause, since, at);
    }

    /** Checks Cardwatch's own connectivity on a schedule and opens or resolves "monitor degraded". */
    @Scheduled(fixedDelayString = "${cardwatch.self-check.every:30s}")
    public void selfCheck() {
        if (selfCheck.configured()) {
            boolean degraded = selfCheck.check();
            synchronized (this) {
                selfCheckChanged(degraded, Instant.now());
            }
        }
    }

    /** Keeps the "monitor degraded" incident in step; returns whether Cardwatch is degraded. */
    private boolean selfCheckChanged(boolean degraded, Instant at) {
        boolean open = tracker.isOpen(MONITOR, SELF_CHECK);
        if (degraded && !open) {
            long id = transactions.execute(tx -> {
                long opened = incidents.open(MONITOR, SELF_CHECK, "network", at);
                alert(opened, "opened", MONITOR, SELF_CHECK, "network", at, at);
                return opened;
            });
            tracker.restoreOpen(MONITOR, SELF_CHECK);
            log.warn("incident {} opened: monitor degraded, no reference endpoint answers; platform failures "
                    + "open no incident meanwhile", id);
        } else if (!degraded && open) {
            incidents.latest(MONITOR, SELF_CHECK).ifPresent(i -> transactions.executeWithoutResult(tx -> {
                incidents.resolve(i.id(), at);
                alert(i.id(), "resolved", MONITOR, SELF_CHECK, i.cause(), i.openedAt(), at);
            }));
            tracker.resolveNow(MONITOR, SELF_CHECK);
            log.info("monitor degraded resolved: a reference endpoint answers again");
        }
        return degraded;
    }

    /**
     * While an incident is open, a reminder every {@code cardwatch.hooks.remind-every}: one per period since it
     * opened, keyed by the period so a check that runs twice queues it once.
     */
    @Scheduled(fixedDelayString = "${cardwatch.hooks.remind-check:1m}", initialDelayString = "${cardwatch.hooks.remind-check:1m}")
    public void remind() {
        remind(Instant.now());
    }

    public void remind(Instant now) {
        Duration every = hooks.remindEvery();
        if (every.isZero() || hooks.channelNames().isEmpty()) {
            return;
        }
        for (IncidentRepository.Incident open : incidents.find("open", null, 1000)) {
            long periods = Duration.between(open.openedAt(), now).toMillis() / every.toMillis();
            if (periods >= 1) {
                alert(open.id(), "reminder", open.platform(), open.probe(), open.cause(), open.openedAt(),
                        open.openedAt().plus(every.multipliedBy(periods)));
            }
        }
    }

    public synchronized boolean degraded() {
        return tracker.isOpen(MONITOR, SELF_CHECK);
    }

    public synchronized boolean open(String platform) {
        return PROBES.stream().anyMatch(probe -> tracker.isOpen(platform, probe));
    }

    public List<IncidentRepository.Incident> find(String state, String platform, int limit) {
        return incidents.find(state, platform, limit);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        catalog.all().forEach(p -> Gauge.builder("cardwatch.incident.open", this, s -> s.open(p.id()) ? 1 : 0)
                .description("1 while the platform has an open incident").tag("platform", p.id()).register(registry));
        Gauge.builder("cardwatch.monitor.degraded", this, s -> s.degraded() ? 1 : 0)
                .description("1 while no reference endpoint answers: Cardwatch's own connectivity is down")
                .register(registry);
    }
}
