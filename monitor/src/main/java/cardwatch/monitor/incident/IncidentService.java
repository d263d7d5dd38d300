package cardwatch.monitor.incident;

import cardwatch.monitor.hooks.AlertHooks;
import cardwatch.monitor.network.Connectivity;
import cardwatch.monitor.network.FirstContact;
import cardwatch.monitor.platform.Platform;
import cardwatch.monitor.platform.PlatformCatalog;
import cardwatch.monitor.platform.Schedule;
import cardwatch.monitor.run.RunRecorder;
import cardwatch.monitor.system.CardwatchProperties;
import cardwatch.probes.Flag;
import cardwatch.probes.Outcome;
import cardwatch.probes.ProbeResult;
import cardwatch.probes.Reason;
import cardwatch.probes.availability.AvailabilityProbe;
import cardwatch.probes.purchase.PurchaseProbe;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import cardwatch.monitor.platform.PlatformMeters;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
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
 * {@code cardwatch_incident_open{platform}}: 1 while any probe of the platform has an open incident. When Cardwatch
 * reaches nothing ({@link Connectivity}: the self-check references where configured, else the other platforms'
 * hosts), platform failures are our own: they open no platform incident, and one "monitor degraded" incident
 * (platform {@code _monitor}) is open until a host answers again ({@code cardwatch_monitor_degraded}).
 */
@Service
@Order(50)
public class IncidentService implements RunRecorder.FindingSink, PlatformMeters {

    private static final Logger log = LoggerFactory.getLogger(IncidentService.class);
    static final Set<String> PROBES = Set.of(PurchaseProbe.KIND, AvailabilityProbe.KIND);

    private final PlatformCatalog catalog;
    private final IncidentRepository incidents;
    private final IncidentTracker tracker;
    private final Connectivity connectivity;
    private final FirstContact contact;

    /** The pseudo platform and probe of the "monitor degraded" incident; no platform id can take this form. */
    public static final String MONITOR = "_monitor";
    static final String SELF_CHECK = "self-check";
    static final String MONITOR_WHY_ZH = "Cardwatch 连不上任何主机：各平台的失败算作我们自己的网络问题";
    static final String MONITOR_WHY_EN = "Cardwatch reaches no host: platform failures count as our own network's";
    static final String REMOVED_ZH = "平台已移出监控：此事件不再跟踪，并非已恢复";
    static final String REMOVED_EN = "the platform is no longer watched: this incident is no longer followed, not "
            + "recovered";

    private final AlertHooks hooks;
    private final TransactionTemplate transactions;

    public IncidentService(PlatformCatalog catalog, IncidentRepository incidents, Connectivity connectivity,
            FirstContact contact, AlertHooks hooks, PlatformTransactionManager transactions,
            CardwatchProperties properties) {
        this.contact = contact;
        this.catalog = catalog;
        this.incidents = incidents;
        this.connectivity = connectivity;
        this.hooks = hooks;
        this.transactions = new TransactionTemplate(transactions);
        this.tracker = new IncidentTracker(IncidentTracker.Settings.from(properties.incidents()));
        catalog.all().forEach(this::intervals);
        catalog.listen(change -> {
            change.added().forEach(this::intervals);
            change.updated().forEach(this::intervals);
            change.removed().forEach(p -> removed(p, Instant.now()));
        });
        restore();
    }

    /** Runs replayed per platform and probe at start: enough to restore a streak, a stretch and a recovery. */
    static final int REPLAY = 300;

    /**
     * Primes the tracker from what is stored: each platform and probe active in the last week gets its last judged runs
     * replayed, and what the database says of its latest incident (open, or how many runs ago it resolved), so that a
     * restart neither forgets failures in a row nor turns a quick reopening into a new incident.
     */
    private void restore() {
        for (List<String> key : incidents.activeSince(Instant.now().minus(Duration.ofDays(7)))) {
            String platform = key.get(0);
            String probe = key.get(1);
            java.util.Optional<IncidentRepository.Incident> last = incidents.latest(platform, probe);
            boolean open = last.map(i -> "open".equals(i.state())).orElse(false);
            Instant held = last.filter(i -> !i.resolveAnnounced()).map(IncidentRepository.Incident::resolvedAt)
                    .orElse(null);
            List<IncidentRepository.StoredRun> runs = incidents.judgedRuns(platform, probe, REPLAY);
            int since = held == null ? -1 : (int) runs.stream().filter(r -> r.endedAt().isAfter(held)).count();
            tracker.prime(platform, probe, runs.stream().map(IncidentRepository.StoredRun::observation).toList(), open,
                    since);
        }
        for (IncidentRepository.Incident open : incidents.find("open", null, Integer.MAX_VALUE)) {
            tracker.restoreOpen(open.platform(), open.probe());
        }
    }

    /**
     * What a run is to incidents: its attempts and how many failed; null for a run that is no evidence (maintenance,
     * our own error). An availability check that was tried again counts both tries.
     */
    static IncidentTracker.Observation observation(ProbeResult result) {
        if (result.outcome() == Outcome.ERROR || result.reason() == Reason.MAINTENANCE) {
            return null;
        }
        return observation(result.outcome() == Outcome.SUCCESS, result.flags().contains(Flag.RETRIED));
    }

    static IncidentTracker.Observation observation(boolean success, boolean retried) {
        int attempts = retried ? 2 : 1;
        return new IncidentTracker.Observation(attempts, success ? attempts - 1 : attempts);
    }

    @Override
    public synchronized void record(String platform, String probe, ProbeResult result, Instant at) {
        if (!PROBES.contains(probe)) {
            return;
        }
        String reason = result.reason().label();
        IncidentTracker.Observation observation = contact.verified(platform) ? observation(result) : null;
        if (result.outcome() == Outcome.ERROR && result.reason() == Reason.NETWORK && connectivity.degraded()) {
            selfCheckChanged(true, at);
            return;
        }
        if (observation != null && observation.failed() == observation.attempts()
                && connectivity.referencesConfigured() && selfCheckChanged(connectivity.degradedNow(), at)) {
            return;
        }
        IncidentTracker.Transition transition = tracker.observe(platform, probe, observation, at);
        if (observation != null && observation.failed() == observation.attempts()) {
            java.util.ArrayDeque<String> recent = recentReasons.computeIfAbsent(platform + "\u0000" + probe,
                    k -> new java.util.ArrayDeque<>());
            recent.addLast(reason);
            if (recent.size() > RECENT_REASONS) {
                recent.removeFirst();
            }
        }
        if (transition == IncidentTracker.Transition.NONE) {
            return;
        }
        if (transition == IncidentTracker.Transition.UPDATED) {
            updated(platform, probe, reason, at);
            return;
        }
        IncidentTracker.Why why = tracker.why(platform, probe);
        transactions.executeWithoutResult(tx -> apply(transition, platform, probe, reason, why, at));
    }

    /** Stores a transition and queues its alerts, in one transaction. */
    private void apply(IncidentTracker.Transition transition, String platform, String probe, String reason,
            IncidentTracker.Why why, Instant at) {
        String zh = why == null ? "" : why.zh(probe);
        String en = why == null ? "" : why.en(probe);
        switch (transition) {
            case OPENED -> {
                Tally tally = new Tally(recentReasons.get(platform + "\u0000" + probe),
                        why == null ? 1 : why.failedRuns(), reason, at);
                long id = incidents.open(platform, probe, tally.cause, at, zh, en);
                write(id, tally, at);
                tallies.put(id, tally);
                openIds.put(platform + "\u0000" + probe, id);
                alert(id, "opened", platform, probe, reason, at, at, zh, en);
                log.warn("incident {} opened: {} {} failing ({}): {}", id, platform, probe, reason, en);
            }
            case CONTINUED -> incidents.latest(platform, probe).ifPresentOrElse(last -> {
                incidents.reopen(last.id(), reason, at);
                failed(last.id(), platform, probe, reason, at, true);
                log.warn("incident {} continues: {} {} failed again ({}) before its resolve was announced", last.id(),
                        platform, probe, reason);
            }, () -> alert(incidents.open(platform, probe, reason, at, zh, en), "opened", platform, probe, reason, at,
                    at, zh, en));
            case UPDATED -> updated(platform, probe, reason, at);
            case RESOLVED -> incidents.latest(platform, probe).filter(i -> "open".equals(i.state())).ifPresent(open -> {
                flush(open.id(), at);
                incidents.resolve(open.id(), at, false);
                log.info("incident {} resolved: {} {} is back to its usual rate; announced if it stays so", open.id(),
                        platform, probe);
            });
            case CONFIRMED -> incidents.latest(platform, probe).ifPresent(last -> {
                if ("open".equals(last.state())) {
                    flush(last.id(), at);
                    incidents.resolve(last.id(), at, true);
                }
                tallies.remove(last.id());
                openIds.remove(platform + "\u0000" + probe);
                incidents.announced(last.id());
                Instant resolved = last.resolvedAt() != null ? last.resolvedAt() : at;
                alert(last.id(), "resolved", platform, probe, last.cause(), last.openedAt(), resolved, last.whyZh(),
                        last.whyEn());
                log.info("incident {} resolved and announced: {} {}", last.id(), platform, probe);
            });
            case NONE -> {
            }
        }
    }

    /**
     * Failures of an open incident and their reasons, kept here and written with the incident at most every
     * {@link #WRITE_EVERY} (or when the cause changes): a storefront checked every 30 seconds is not a database write
     * per check.
     */
    private static final class Tally {
        final Map<String, Integer> reasons = new java.util.HashMap<>();
        int failures;
        String cause;
        Instant written;

        /** The failed runs that opened an incident: the last {@code failed} reasons seen (this run's at least). */
        Tally(java.util.Deque<String> recent, int failed, String reason, Instant at) {
            List<String> last = recent == null ? List.of() : List.copyOf(recent);
            List<String> opening = last.subList(Math.max(0, last.size() - Math.max(1, failed)), last.size());
            for (String r : opening.isEmpty() ? List.of(reason) : opening) {
                add(r);
            }
            written = at;
        }

        Tally(IncidentRepository.Incident stored) {
            for (String pair : stored.reasons().isEmpty() ? new String[0] : stored.reasons().split(",")) {
                int colon = pair.lastIndexOf(':');
                if (colon > 0) {
                    reasons.put(pair.substring(0, colon), Integer.parseInt(pair.substring(colon + 1)));
                }
            }
            failures = stored.failures();
            cause = stored.cause();
            written = stored.updatedAt();
        }

        /** Counts a failure; true when the most frequent reason changed. */
        boolean add(String reason) {
            failures++;
            int count = reasons.merge(reason, 1, Integer::sum);
            if (cause == null || !reason.equals(cause) && count > reasons.getOrDefault(cause, 0)) {
                cause = reason;
                return true;
            }
            return false;
        }

        String text() {
            return reasons.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()
                    .thenComparing(Map.Entry.comparingByKey())).map(e -> e.getKey() + ":" + e.getValue())
                    .collect(java.util.stream.Collectors.joining(","));
        }
    }

    static final Duration WRITE_EVERY = Duration.ofMinutes(10);
    /** Reasons of the last failed runs per platform and probe, for the runs that open an incident. */
    static final int RECENT_REASONS = 64;
    private final Map<String, java.util.ArrayDeque<String>> recentReasons = new java.util.HashMap<>();
    private final Map<Long, Tally> tallies = new java.util.HashMap<>();
    private final Map<String, Long> openIds = new java.util.HashMap<>();

    /** The open incident of a key: remembered while it stays open, so a failure costs no lookup. */
    private Long openIncident(String platform, String probe) {
        String key = platform + "\u0000" + probe;
        Long id = openIds.get(key);
        if (id != null && tallies.containsKey(id)) {
            return id;
        }
        IncidentRepository.Incident latest = incidents.latest(platform, probe).filter(i -> "open".equals(i.state()))
                .orElse(null);
        if (latest == null) {
            return null;
        }
        openIds.put(key, latest.id());
        tallies.computeIfAbsent(latest.id(), k -> new Tally(latest));
        return latest.id();
    }

    /** Another failure of an open incident: counted here, written only when due (no transaction otherwise). */
    private void updated(String platform, String probe, String reason, Instant at) {
        Long open = openIncident(platform, probe);
        if (open != null) {
            failed(open, platform, probe, reason, at, false);
        }
    }

    private void failed(long id, String platform, String probe, String reason, Instant at, boolean now) {
        Tally tally = tallies.get(id);
        if (tally == null) {
            IncidentRepository.Incident stored = incidents.latest(platform, probe).orElse(null);
            if (stored == null || stored.id() != id) {
                return;
            }
            tally = new Tally(stored);
            tallies.put(id, tally);
            openIds.put(platform + "\u0000" + probe, id);
        }
        boolean changed = tally.add(reason);
        if (now || changed || Duration.between(tally.written, at).compareTo(WRITE_EVERY) >= 0) {
            write(id, tally, at);
        }
    }

    private void flush(long id, Instant at) {
        Tally tally = tallies.get(id);
        if (tally != null) {
            write(id, tally, at);
        }
    }

    private void write(long id, Tally tally, Instant at) {
        incidents.failures(id, tally.failures, tally.cause, tally.text(), at);
        tally.written = at;
    }

    private void alert(long id, String event, String platform, String probe, String cause, Instant since,
            Instant at, String whyZh, String whyEn) {
        alert(id, event, platform, catalog.find(platform).orElse(null), probe, cause, since, at, whyZh, whyEn);
    }

    /** {@code known}: the platform as configured (gone from the catalog once removed), null for the monitor's own. */
    private void alert(long id, String event, String platform, Platform known, String probe, String cause,
            Instant since, Instant at, String whyZh, String whyEn) {
        boolean english = "en".equals(hooks.language());
        String name = MONITOR.equals(platform) ? (english ? "Cardwatch monitor" : "Cardwatch 监控")
                : known == null ? platform : english ? known.nameEn() : known.nameZh();
        hooks.enqueue(id, event, platform, name, probe, cause, since, at, english ? whyEn : whyZh,
                known != null && known.critical());
    }

    /**
     * A platform taken off the watch list: no run will resolve its incidents any more, so an open one ends now,
     * announced as resolved with the removal as its reason (not as a recovery), and a resolve whose notice was held is
     * announced. Nothing reminds of it afterwards. Under a cluster each instance sees the removal; the database lets
     * one of them end each incident.
     */
    synchronized void removed(Platform platform, Instant at) {
        removed(platform.id(), platform, at);
    }

    /** {@code known}: the platform as it was configured, null when this instance never had it (removed while down). */
    private void removed(String platform, Platform known, Instant at) {
        for (IncidentRepository.Incident i : incidents.find(null, platform, 100)) {
            boolean open = "open".equals(i.state());
            if (!open && i.resolveAnnounced()) {
                continue;
            }
            transactions.executeWithoutResult(tx -> {
                if (open ? incidents.resolveRemoved(i.id(), at) : incidents.announceOnce(i.id())) {
                    alert(i.id(), "resolved", platform, known, i.probe(), i.cause(), i.openedAt(),
                            open ? at : i.resolvedAt(), open ? REMOVED_ZH : i.whyZh(), open ? REMOVED_EN : i.whyEn());
                    log.info("incident {} of {} {} ended: the platform is no longer watched", i.id(), platform,
                            i.probe());
                }
            });
        }
        tracker.forget(platform);
    }

    /**
     * Ends the incidents of platforms watched nowhere any more: in neither this instance's catalog nor the admin
     * API's store. A platform taken out of the file while the service was down is seen here, at the first reminder
     * check after the start (the catalog is read by then), instead of being reminded of every hour for ever.
     */
    void endUnwatched(Instant at) {
        for (String platform : incidents.unsettledOutsideApi()) {
            synchronized (this) {
                if (!MONITOR.equals(platform) && catalog.find(platform).isEmpty()) {
                    removed(platform, null, at);
                }
            }
        }
    }

    /** Checks Cardwatch's own connectivity on a schedule and opens or resolves "monitor degraded". */
    @Scheduled(fixedDelayString = "${cardwatch.self-check.every:30s}")
    public void selfCheck() {
        boolean degraded = connectivity.check();
        synchronized (this) {
            selfCheckChanged(degraded, Instant.now());
        }
    }

    /** Keeps the "monitor degraded" incident in step; returns whether Cardwatch is degraded. */
    private boolean selfCheckChanged(boolean degraded, Instant at) {
        boolean open = tracker.isOpen(MONITOR, SELF_CHECK);
        if (degraded && !open) {
            long id = transactions.execute(tx -> {
                long opened = incidents.open(MONITOR, SELF_CHECK, "network", at, MONITOR_WHY_ZH, MONITOR_WHY_EN);
                alert(opened, "opened", MONITOR, SELF_CHECK, "network", at, at, MONITOR_WHY_ZH, MONITOR_WHY_EN);
                return opened;
            });
            tracker.restoreOpen(MONITOR, SELF_CHECK);
            log.warn("incident {} opened: monitor degraded, no reference endpoint answers; platform failures "
                    + "open no incident meanwhile", id);
        } else if (!degraded && open) {
            incidents.latest(MONITOR, SELF_CHECK).ifPresent(i -> transactions.executeWithoutResult(tx -> {
                incidents.resolve(i.id(), at);
                alert(i.id(), "resolved", MONITOR, SELF_CHECK, i.cause(), i.openedAt(), at, i.whyZh(), i.whyEn());
            }));
            tracker.resolveNow(MONITOR, SELF_CHECK);
            log.info("monitor degraded resolved: a reference endpoint answers again");
        }
        return degraded;
    }

    /**
     * While an incident is open, a reminder every {@code cardwatch.hooks.remind-every}: one per period since it
     * opened, keyed by the period so a check that runs twice queues it once. Incidents of platforms watched nowhere
     * any more end first ({@link #endUnwatched}).
     */
    @Scheduled(fixedDelayString = "${cardwatch.hooks.remind-check:1m}", initialDelayString = "${cardwatch.hooks.remind-check:1m}")
    public void remind() {
        remind(Instant.now());
    }

    public void remind(Instant now) {
        endUnwatched(now);
        Duration every = hooks.remindEvery();
        if (every.isZero() || hooks.channelNames().isEmpty()) {
            return;
        }
        for (IncidentRepository.Incident open : incidents.find("open", null, 1000)) {
            long periods = Duration.between(open.openedAt(), now).toMillis() / every.toMillis();
            if (periods >= 1) {
                alert(open.id(), "reminder", open.platform(), open.probe(), open.cause(), open.openedAt(),
                        open.openedAt().plus(every.multipliedBy(periods)), open.whyZh(), open.whyEn());
            }
        }
    }

    /** Neither open nor resolved with its notice still held (for simulations). */
    synchronized boolean settled(String platform, String probe) {
        return tracker.settled(platform, probe);
    }

    /** A platform's incidents, newest first (for simulations). */
    List<IncidentRepository.Incident> incidents(String platform) {
        return incidents.find(null, platform, 100);
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

    private void intervals(Platform p) {
        for (String probe : PROBES) {
            Schedule schedule = p.schedules().get(probe);
            if (schedule != null && schedule.every() != null) {
                tracker.interval(p.id(), probe, schedule.every());
            }
        }
    }

    @Override
    public void bind(MeterRegistry registry, Platform p) {
        Gauge.builder("cardwatch.incident.open", this, s -> s.open(p.id()) ? 1 : 0)
                .description("1 while the platform has an open incident").tag("platform", p.id()).register(registry);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        catalog.all().forEach(p -> bind(registry, p));
        Gauge.builder("cardwatch.monitor.degraded", this, s -> s.degraded() ? 1 : 0)
                .description("1 while no reference endpoint answers: Cardwatch's own connectivity is down")
                .register(registry);
    }
}
