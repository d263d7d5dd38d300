package cardwatch.monitor.purchase;

import cardwatch.monitor.platform.Platform;
import cardwatch.monitor.platform.PlatformCatalog;
import cardwatch.monitor.run.ProbeRun;
import cardwatch.monitor.run.RunGuard;
import cardwatch.monitor.run.RunRecorder;
import cardwatch.monitor.run.RunRepository;
import cardwatch.monitor.run.RunStart;
import cardwatch.monitor.scheduling.Bulkheads;
import cardwatch.monitor.system.CardwatchProperties;
import cardwatch.monitor.system.CrashPoints;
import cardwatch.monitor.system.ProbeRegistry;
import cardwatch.probes.Evidence;
import cardwatch.probes.ProbeContext;
import cardwatch.probes.ProbeResult;
import cardwatch.probes.Reason;
import cardwatch.probes.http.HttpTransport;
import cardwatch.probes.purchase.Notify;
import cardwatch.probes.purchase.NotifyInbox;
import cardwatch.probes.purchase.PurchaseProbe;
import cardwatch.probes.purchase.PurchaseState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Runs purchases as {@link PurchaseProbe}'s state machine: each step is a short task on the purchase bulkhead, and
 * between steps a run is only a row (its {@link PurchaseState} and next action's time) and a timer. A notify wakes its
 * run at once. No thread waits on a platform, so a stuck or hung platform costs only its own steps' timeouts, and
 * any start continues every unfinished run from its row, never with a second order.
 *
 * <p>A run holds its {@link RunGuard} key from its fire to its final row; the steps of one run never overlap.
 */
@Component
public class PurchaseEngine implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(PurchaseEngine.class);
    /** How long a step that found the bulkhead full waits before it is offered again. */
    private static final Duration FULL_RETRY = Duration.ofSeconds(1);

    private final PurchaseProbe probe;
    private final PurchaseRunner money;
    private final PlatformCatalog catalog;
    private final RunRepository runs;
    private final RunRecorder recorder;
    private final RunGuard guard;
    private final Bulkheads bulkheads;
    private final HttpTransport http;
    private final NotifyInbox inbox;
    private final CallbackUrls callbacks;
    private final CrashPoints crashPoints;
    private final Clock clock;
    private final Duration giveUpAfter;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "purchase-timer");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Waiting> waiting = new ConcurrentHashMap<>();

    PurchaseEngine(ProbeRegistry registry, PurchaseRunner money, PlatformCatalog catalog, RunRepository runs,
            RunRecorder recorder, RunGuard guard, Bulkheads bulkheads, HttpTransport http, NotifyInbox inbox,
            CallbackUrls callbacks, CrashPoints crashPoints, Clock clock, CardwatchProperties properties) {
        this.probe = (PurchaseProbe) registry.probes().get(PurchaseProbe.KIND);
        this.money = money;
        this.catalog = catalog;
        this.runs = runs;
        this.recorder = recorder;
        this.guard = guard;
        this.bulkheads = bulkheads;
        this.http = http;
        this.inbox = inbox;
        this.callbacks = callbacks;
        this.crashPoints = crashPoints;
        this.clock = clock;
        this.giveUpAfter = properties.reconcile().giveUpAfter();
        if (inbox instanceof WakingInbox waking) {
            waking.wakeWith(this::wake);
        }
    }

    /** One run between its fire and its final row. */
    private final class Waiting {
        final Platform platform;
        final RunStart run;
        final ProbeContext context;
        final PurchaseRunner.Journal journal;
        /** Taken over from a row after an interruption: a run the platform cannot be asked about stays open. */
        final boolean recovered;
        final AtomicBoolean busy = new AtomicBoolean();
        volatile boolean again;
        volatile PurchaseState state;
        volatile Instant until;
        volatile ScheduledFuture<?> alarm;

        Waiting(Platform platform, RunStart run, boolean recovered, boolean held) {
            this.platform = platform;
            this.run = run;
            this.recovered = recovered;
            this.journal = money.journal(platform, run, held);
            this.context = new ProbeContext(clock, http, inbox, run.clientOrderId(),
                    callbacks.notifyUrl(platform.id())).withJournal(journal);
        }
    }

    /**
     * Starts a scheduled run whose row is written and whose guard key is held: reserves its budget and submits,
     * on the calling thread (a purchase bulkhead task). From here the engine owns the run and releases its key.
     */
    public void start(Platform platform, RunStart run) {
        Waiting w = new Waiting(platform, run, false, false);
        inbox.open(run.clientOrderId());
        waiting.put(run.clientOrderId(), w);
        w.busy.set(true);
        try {
            String refusal = money.reserve(platform, run);
            if (refusal != null) {
                finish(w, ProbeResult.error(Reason.BUDGET, refusal));
                return;
            }
            if (!held(w)) {
                return;
            }
            handle(w, probe.start(catalog.settings(platform), w.context));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopped(w);
        } catch (RuntimeException e) {
            failed(w, e);
        } finally {
            released(w);
        }
    }

    /**
     * Takes over an unfinished run from its row (the caller holds its guard key): from its saved state at its next
     * action's time, or, when it stopped before its first wait, by looking the order up. Never submits.
     */
    public void adopt(Platform platform, ProbeRun row) {
        Optional<RunRepository.SavedState> saved = runs.state(row.id());
        PurchaseState state = null;
        if (saved.isPresent()) {
            try {
                state = PurchaseState.parse(saved.get().state()).adopted();
            } catch (RuntimeException e) {
                log.warn("{}: run {} has a saved state this version cannot read ({}); its order is looked up instead",
                        row.platform(), row.id(), e.getClass().getSimpleName());
            }
        }
        Waiting w = new Waiting(platform, row.start(), true, state != null && state.held());
        inbox.open(row.clientOrderId());
        waiting.put(row.clientOrderId(), w);
        w.state = state;
        w.until = state == null ? clock.instant() : saved.get().nextAction();
        arm(w);
        if (inbox instanceof WakingInbox waking) { // notifies that came while nobody had the run
            waking.deliverStored(row.clientOrderId());
        }
    }

    /** Whether this instance still holds a run; in a cluster, asked before each step of it. */
    private volatile java.util.function.LongPredicate fence = id -> true;

    /** Checks, before each step of a run, that it is still this instance's (another may have taken it over). */
    void fenceWith(java.util.function.LongPredicate fence) {
        this.fence = fence;
    }

    /** Runs another instance took over: this engine lets go of them without writing anything more. */
    void lost(List<Long> ids) {
        for (Waiting w : List.copyOf(waiting.values())) {
            if (ids.contains(w.run.id())) {
                close(w);
            }
        }
    }

    /** The rows of the runs in this engine's hands: this instance renews their leases. */
    List<Long> runIds() {
        return waiting.values().stream().map(w -> w.run.id()).toList();
    }

    /** A notify for the run arrived: its next step runs now. */
    void wake(String clientOrderId) {
        Waiting w = waiting.get(clientOrderId);
        if (w != null) {
            dispatch(w);
        }
    }

    private void arm(Waiting w) {
        long delay = w.until == null ? 0 : Math.max(0, Duration.between(clock.instant(), w.until).toMillis());
        ScheduledFuture<?> previous = w.alarm;
        if (previous != null) {
            previous.cancel(false);
        }
        w.alarm = timer.schedule(() -> dispatch(w), delay, TimeUnit.MILLISECONDS);
    }

    /** Offers the run's next step to the purchase bulkhead; a run already stepping steps again after. */
    private void dispatch(Waiting w) {
        if (!w.busy.compareAndSet(false, true)) {
            w.again = true;
            return;
        }
        w.again = false;
        boolean taken = bulkheads.submit(PurchaseProbe.KIND, Bulkheads.host(w.platform), new Bulkheads.Task() {
            @Override
            public void run() {
                try {
                    step(w);
                } finally {
                    released(w);
                }
            }

            @Override
            public void rejected() {
                w.busy.set(false);
                later(w);
            }
        });
        if (!taken) {
            w.busy.set(false);
            later(w);
        }
    }

    private void later(Waiting w) {
        log.debug("{} run {}: the purchase bulkhead is full; its step is offered again", w.platform.id(),
                w.run.clientOrderId());
        try {
            w.alarm = timer.schedule(() -> dispatch(w), FULL_RETRY.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            stopped(w);
        }
    }

    /** A step ended: when a notify or a wake came meanwhile, the run steps again. */
    private void released(Waiting w) {
        w.busy.set(false);
        if (w.again && waiting.get(w.run.clientOrderId()) == w) {
            dispatch(w);
        }
    }

    private void step(Waiting w) {
        if (waiting.get(w.run.clientOrderId()) != w || !held(w)) {
            return;
        }
        try {
            Notify notify = inbox.await(w.run.clientOrderId(), Duration.ZERO).orElse(null);
            PurchaseProbe.Step step;
            if (w.state == null) {
                step = probe.recover(catalog.settings(w.platform), w.context, w.run.actualStart());
            } else if (notify == null && w.until != null && clock.instant().isBefore(w.until)) {
                arm(w);
                return;
            } else {
                step = probe.advance(catalog.settings(w.platform), w.context, w.state, notify);
            }
            handle(w, step);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopped(w);
        } catch (RuntimeException e) {
            failed(w, e);
        }
    }

    private void handle(Waiting w, PurchaseProbe.Step step) throws InterruptedException {
        if (!held(w)) { // a stall during the step outlasted the lease: what it learnt is the new owner's to write
            return;
        }
        if (step instanceof PurchaseProbe.Step.Wait wait) {
            w.state = wait.state();
            w.until = wait.until();
            runs.saveState(w.run.id(), wait.state().json(), wait.until());
            arm(w);
        } else if (step instanceof PurchaseProbe.Step.Done done) {
            ProbeResult result = money.settle(w.platform, w.run, done.result(), w.journal);
            crashPoints.reached(CrashPoints.BEFORE_FINAL_ROW);
            finish(w, result);
        } else {
            unresolved(w, ((PurchaseProbe.Step.Unresolved) step).why());
        }
    }

    /** Whether the run is still this instance's; when another took it over, lets go of it and says so. */
    private boolean held(Waiting w) {
        if (fence.test(w.run.id())) {
            return true;
        }
        log.warn("{} purchase run {} was taken over by another instance while this one stalled; it stops here, "
                + "and the other continues it", w.platform.id(), w.run.clientOrderId());
        close(w);
        return false;
    }

    /** An interrupted run whose platform could not be asked: left open and asked again later, until given up. */
    private void unresolved(Waiting w, String why) {
        if (w.run.actualStart().plus(giveUpAfter).isBefore(clock.instant())) {
            finish(w, ProbeResult.error(Reason.INTERNAL, "interrupted, and the platform could not be "
                    + "asked about order " + w.run.clientOrderId() + " for " + giveUpAfter.toDays() + " days"));
            return;
        }
        close(w);
        runs.markUnknown(w.run.id(), Evidence.of("not reconciled yet: " + why, List.of()));
        log.warn("{}: interrupted run {} (order {}) could not be reconciled yet", w.platform.id(), w.run.id(),
                w.run.clientOrderId());
    }

    /** Something broke inside Cardwatch: the run ends as our error, its money still reconciled. */
    private void failed(Waiting w, RuntimeException e) {
        log.error("{} purchase run {} failed inside Cardwatch", w.platform.id(), w.run.clientOrderId(), e);
        ProbeResult result = ProbeResult.error(Reason.INTERNAL, e.getClass().getSimpleName());
        try {
            result = money.settle(w.platform, w.run, result, w.journal);
        } catch (InterruptedException again) {
            Thread.currentThread().interrupt();
            stopped(w);
            return;
        } catch (RuntimeException again) {
            log.error("{} purchase run {}: its money could not be settled", w.platform.id(), w.run.clientOrderId(),
                    again);
        }
        finish(w, result);
    }

    /** The final row, then the run's key is free for its next fire. */
    private void finish(Waiting w, ProbeResult result) {
        try {
            recorder.record(w.run, result);
        } finally {
            close(w);
        }
    }

    /** Shutdown: the row stays unfinished, and the next start continues it. */
    private void stopped(Waiting w) {
        log.warn("{} purchase run {} was stopped by shutdown; the next start continues it", w.platform.id(),
                w.run.clientOrderId());
        close(w);
    }

    private void close(Waiting w) {
        if (waiting.remove(w.run.clientOrderId(), w)) {
            ScheduledFuture<?> alarm = w.alarm;
            if (alarm != null) {
                alarm.cancel(false);
            }
            inbox.close(w.run.clientOrderId());
            guard.release(w.platform.id(), PurchaseProbe.KIND);
        }
    }

    @Override
    public void destroy() {
        timer.shutdownNow();
    }
}
