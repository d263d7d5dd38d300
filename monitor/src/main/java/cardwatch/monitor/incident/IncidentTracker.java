package cardwatch.monitor.incident;

import cardwatch.monitor.system.CardwatchProperties;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Decides when a platform's probe is in trouble, from its judged runs one at a time, against the platform's own
 * usual failure rate. Two rules open an incident:
 * <ul>
 * <li>a streak: {@code open-after} failed runs in a row (4 purchases, 3 storefront checks), whatever the platform's
 * past: a hard outage is found by its 4th purchase or 3rd check;</li>
 * <li>a rate: a Bernoulli CUSUM of each attempt's log-likelihood ratio, "half of the attempts fail" against the
 * platform's usual rate, passes a threshold that grows with the number of runs in 30 days, so that a platform that
 * fails now and then at its usual rate opens an incident in about 1 % of 30-day stretches at any probe interval.</li>
 * </ul>
 * An open incident resolves when the evidence that the platform is back to its usual rate, against the failure rate
 * seen during the incident, passes a threshold that grows with the runs in a day: after a hard outage a few successes
 * do; after a flapping one, a long clean stretch (a 50 % outage rarely looks recovered in a day). One that opens again
 * within {@code continue-within} runs of resolving continues the same incident, on half the evidence.
 *
 * <p>A run is one or more attempts (an availability check that failed is tried again at once); each attempt is
 * evidence. Maintenance runs, runs that failed on our side ({@code error}) and runs of platforms never reached are
 * not evidence at all. Not thread-safe per key; the caller serialises the runs of one platform and probe.
 */
public final class IncidentTracker {

    /** A probe run as incidents see it: its attempts, and how many of them failed. */
    public record Observation(int attempts, int failed) {

        public static final Observation SUCCESS = new Observation(1, 0);
        public static final Observation FAILURE = new Observation(1, 1);
        /** An availability check whose first request failed and whose second, at once, succeeded. */
        public static final Observation RETRIED = new Observation(2, 1);
        /** An availability check whose two requests both failed. */
        public static final Observation FAILED_TWICE = new Observation(2, 2);

        /** The run failed: none of its attempts succeeded. */
        boolean runFailed() {
            return failed == attempts;
        }
    }

    /**
     * The rules of one probe kind.
     *
     * @param openAfter       failed runs in a row that always open an incident
     * @param usual           the failure rate per attempt assumed of a platform until its own record says otherwise
     * @param priorWeight     how many attempts that assumption is worth
     * @param memory          how many recent attempts make a platform's own record (older ones fade)
     * @param openEvidence    the rate rule's threshold (nats) at the reference interval
     * @param resolveEvidence the recovery threshold (nats) beyond {@code ln(runs per day)}
     * @param reference       the interval {@code openEvidence} is calibrated for
     */
    public record Kind(int openAfter, double usual, double priorWeight, double memory, double openEvidence,
            double resolveEvidence, Duration reference) {
    }

    /**
     * @param kinds          rules per probe kind; others use {@code fallback}
     * @param fallback       the rules for any other probe kind
     * @param trouble        the failure rate per attempt the rate rule listens for (half of the attempts)
     * @param floor          the lowest usual rate a platform is credited with (a flawless record is not proof)
     * @param cap            the highest
     * @param continueWithin runs after resolving in which a new opening continues the same incident
     */
    public record Settings(Map<String, Kind> kinds, Kind fallback, double trouble, double floor, double cap,
            int continueWithin) {

        public static Settings defaults() {
            return from(new CardwatchProperties.Incidents(4, 3, 0.03, 0.01, 11.2, 19, 5.3, 6));
        }

        public static Settings from(CardwatchProperties.Incidents config) {
            Kind purchase = new Kind(config.purchaseOpenAfter(), config.purchaseUsualFailures(), 100, 1_000,
                    config.purchaseOpenEvidence(), config.resolveEvidence(), Duration.ofMinutes(20));
            Kind availability = new Kind(config.availabilityOpenAfter(), config.availabilityUsualFailures(), 1_000,
                    10_000, config.availabilityOpenEvidence(), config.resolveEvidence(), Duration.ofSeconds(60));
            return new Settings(Map.of("purchase", purchase, "availability", availability), availability, 0.5, 0.005,
                    0.25, config.continueWithin());
        }

        Kind kind(String probe) {
            return kinds.getOrDefault(probe, fallback);
        }
    }

    /** What a run changed. */
    public enum Transition {
        /** Nothing to tell. */
        NONE,
        /** A new incident. */
        OPENED,
        /** A run failed soon after the incident resolved: the same incident continues (nothing was announced). */
        CONTINUED,
        /** Another failure while open. */
        UPDATED,
        /** The platform is back to its usual rate: the incident is resolved, its notice held for a few runs. */
        RESOLVED,
        /** The resolve held for {@code continue-within} runs: now it is announced. */
        CONFIRMED
    }

    /**
     * Why an incident opened, as figures: the runs (and their attempts) of the stretch that opened it, how many
     * failed, since when, and the platform's usual failure rate then.
     *
     * @param streak whether it was failures in a row (every run of the stretch failed)
     */
    public record Why(boolean streak, int runs, int failedRuns, int attempts, int failedAttempts, Instant since,
            Instant at, double usual) {

        /** In Chinese: "4 次测试购买连续失败" or "过去 2 小时 9 次测试购买中 5 次失败（56%），平时 3%". */
        public String zh(String probe) {
            boolean purchase = "purchase".equals(probe);
            if (streak) {
                return runs + (purchase ? " 次测试购买连续失败" : " 次店铺检查连续失败（每次都重试过）");
            }
            return "过去 " + span(true) + " " + (purchase ? runs + " 次测试购买中 " + failedRuns
                    : attempts + " 次店铺检查请求中 " + failedAttempts) + " 次失败（" + percent(share()) + "），平时 "
                    + percent(usual);
        }

        /** In English: "4 test purchases failed in a row" or "5 of 9 test purchases failed in the last 2 hours …". */
        public String en(String probe) {
            boolean purchase = "purchase".equals(probe);
            if (streak) {
                return runs + (purchase ? " test purchases failed in a row"
                        : " storefront checks failed in a row (each tried twice)");
            }
            return (purchase ? failedRuns + " of " + runs + " test purchases"
                    : failedAttempts + " of " + attempts + " storefront requests") + " failed in the last "
                    + span(false) + " (" + percent(share()) + "), usually " + percent(usual);
        }

        private double share() {
            return attempts == 0 ? 0 : (double) failedAttempts / attempts;
        }

        private String span(boolean chinese) {
            long minutes = Math.max(1, Duration.between(since, at).toMinutes());
            if (minutes < 120) {
                return minutes + (chinese ? " 分钟" : minutes == 1 ? " minute" : " minutes");
            }
            long hours = Math.round(minutes / 60.0);
            return hours + (chinese ? " 小时" : " hours");
        }

        private static String percent(double share) {
            double value = share * 100;
            return value >= 10 || value == Math.rint(value) ? Math.round(value) + "%"
                    : String.format(Locale.ROOT, "%.1f%%", value);
        }
    }

    private static final class State {
        Duration interval;
        double baseAttempts;
        double baseFailed;
        double cusum;
        int streak;
        Instant streakSince;
        int exRuns;
        int exFailedRuns;
        int exAttempts;
        int exFailedAttempts;
        Instant exSince;
        boolean open;
        double incAttempts;
        double incFailed;
        double recovery;
        double recoveringAttempts;
        double recoveringFailed;
        int runsSinceResolve = -1;
        Why why;
    }

    /**
     * How much the rate rule's threshold grows (nats) for every e-fold more runs in 30 days than at the reference
     * interval. The false-incident rate falls more slowly than e^-threshold (failures come in whole steps), so
     * ln(runs) alone would not hold it: 2.6 keeps it under 1 % from 20-minute to 5-minute purchases (measured).
     */
    static final double GROWTH = 2.6;
    /**
     * The incident's failure rate is estimated as if two attempts at the trouble rate had been seen besides its own: a
     * short outage is not taken for a certain one, so a flapping platform does not look recovered after a few lucky
     * runs.
     */
    static final double PRIOR_ATTEMPTS = 2;

    private final Settings settings;
    /** Per platform, per probe: two lookups and no key to build for every run. */
    private final Map<String, Map<String, State>> states = new HashMap<>();

    public IncidentTracker(Settings settings) {
        this.settings = settings;
    }

    /** The interval a key is probed at: its thresholds scale with it. Unset: the kind's reference interval. */
    public void interval(String platform, String probe, Duration every) {
        state(platform, probe).interval = every;
    }

    /**
     * Restores a key's state at start from its stored runs, oldest first, and from what the database says of its
     * incidents: open or not, and, for one resolved whose notice is still held, how many runs ago ({@code -1}: none
     * held). Nothing opens or resolves here.
     */
    public void prime(String platform, String probe, List<Observation> oldestFirst, boolean openInDatabase,
            int runsSinceResolve) {
        State state = state(platform, probe);
        Duration interval = state.interval;
        State fresh = new State();
        fresh.interval = interval;
        states.get(platform).put(probe, fresh);
        for (Observation observation : oldestFirst) {
            observe(platform, probe, observation, Instant.EPOCH);
        }
        if (openInDatabase && !fresh.open) {
            fresh.open = true;
            fresh.incAttempts = fresh.exAttempts;
            fresh.incFailed = fresh.exFailedAttempts;
        } else if (!openInDatabase && fresh.open) {
            fresh.open = false;
            fresh.cusum = 0;
            fresh.streak = 0;
        }
        fresh.runsSinceResolve = openInDatabase ? -1 : runsSinceResolve;
    }

    /** Marks a key open without evidence, for incidents found open in the database at start. */
    public void restoreOpen(String platform, String probe) {
        State state = state(platform, probe);
        if (!state.open) {
            state.open = true;
            state.incAttempts = 0;
            state.incFailed = 0;
            state.recoveringAttempts = 0;
            state.recoveringFailed = 0;
            state.recovery = 0;
        }
    }

    /** Closes a key without evidence (the self-check's incident resolves when a host answers). */
    public void resolveNow(String platform, String probe) {
        State state = state(platform, probe);
        state.open = false;
        state.cusum = 0;
        state.streak = 0;
    }

    /** Forgets a platform no longer watched: should it come back, it starts afresh. */
    public void forget(String platform) {
        states.remove(platform);
    }

    /** Neither open nor just resolved with its notice held. */
    public boolean settled(String platform, String probe) {
        State state = find(platform, probe);
        return state == null || !state.open && state.runsSinceResolve < 0;
    }

    public boolean isOpen(String platform, String probe) {
        State state = find(platform, probe);
        return state != null && state.open;
    }

    /** Why the key's current or last incident opened; null before any. */
    public Why why(String platform, String probe) {
        State state = find(platform, probe);
        return state == null ? null : state.why;
    }

    /** The platform's usual failure rate per attempt, as the tracker credits it now. */
    public double usual(String platform, String probe) {
        return usual(state(platform, probe), settings.kind(probe));
    }

    /** Feeds one run; {@code null} is a run that is no evidence (maintenance, our own error). */
    public Transition observe(String platform, String probe, Observation run, Instant at) {
        if (run == null || run.attempts() <= 0) {
            return Transition.NONE;
        }
        State state = state(platform, probe);
        Kind kind = settings.kind(probe);
        double usual = usual(state, kind);
        if (state.open) {
            return recover(state, kind, run, usual);
        }
        if (state.runsSinceResolve >= 0) {
            return hold(state, kind, run);
        }
        if (run.failed() > 0 || state.cusum > 0) {
            int succeeded = run.attempts() - run.failed();
            double trouble = Math.max(settings.trouble(), 2 * usual);
            double evidence = (run.failed() > 0 ? run.failed() * Math.log(trouble / usual) : 0)
                    + (succeeded > 0 ? succeeded * Math.log((1 - trouble) / (1 - usual)) : 0);
            if (state.cusum <= 0 && evidence > 0) {
                resetExcursion(state);
                state.exSince = at;
            }
            state.cusum = Math.max(0, state.cusum + evidence);
        }
        if (state.cusum > 0) {
            state.exRuns++;
            state.exFailedRuns += run.runFailed() ? 1 : 0;
            state.exAttempts += run.attempts();
            state.exFailedAttempts += run.failed();
        } else {
            learn(state, kind, state.exAttempts + run.attempts(), state.exFailedAttempts + run.failed());
            resetExcursion(state);
        }
        if (run.runFailed()) {
            if (state.streak == 0) {
                state.streakSince = at;
            }
            state.streak++;
        } else {
            state.streak = 0;
        }
        boolean byStreak = state.streak >= kind.openAfter();
        if (!byStreak && (state.cusum <= 0 || state.cusum < openThreshold(kind, state.interval))) {
            return Transition.NONE;
        }
        state.why = byStreak
                ? new Why(true, state.streak, state.streak, state.streak * run.attempts(),
                        state.streak * run.attempts(), state.streakSince, at, usual)
                : new Why(false, state.exRuns, state.exFailedRuns, state.exAttempts, state.exFailedAttempts,
                        state.exSince, at, usual);
        state.open = true;
        state.incAttempts = state.why.attempts();
        state.incFailed = state.why.failedAttempts();
        state.recoveringAttempts = 0;
        state.recoveringFailed = 0;
        state.recovery = 0;
        state.cusum = 0;
        state.streak = 0;
        resetExcursion(state);
        return Transition.OPENED;
    }

    /**
     * The platform's usual rate learns from runs outside incidents only, and from a suspicious stretch only once it
     * has ended without one: the failures that open an incident never make it look usual.
     */
    private static void learn(State state, Kind kind, double attempts, double failed) {
        double decay = attempts == 1 ? 1 - 1 / kind.memory() : Math.pow(1 - 1 / kind.memory(), attempts);
        state.baseAttempts = state.baseAttempts * decay + attempts;
        state.baseFailed = state.baseFailed * decay + failed;
    }

    /**
     * Just resolved: a failed run within {@code continue-within} runs continues the same incident, silently (its
     * resolve was never announced); that many runs without one confirm the resolve, and its notice goes out.
     */
    private Transition hold(State state, Kind kind, Observation run) {
        if (run.runFailed()) {
            state.open = true;
            state.runsSinceResolve = -1;
            state.incAttempts += run.attempts();
            state.incFailed += run.failed();
            state.recovery = 0;
            state.recoveringAttempts = 0;
            state.recoveringFailed = 0;
            return Transition.CONTINUED;
        }
        learn(state, kind, run.attempts(), run.failed());
        state.runsSinceResolve++;
        if (state.runsSinceResolve < settings.continueWithin()) {
            return Transition.NONE;
        }
        state.runsSinceResolve = -1;
        return Transition.CONFIRMED;
    }

    /**
     * While open: the evidence that the platform is back to its usual rate, against the failure rate seen during the
     * incident (with {@link #PRIOR_ATTEMPTS}: a short outage is not taken for certain). The successes of a stretch that looks
     * like recovery count as the incident's own only once a failure interrupts it (else a recovery would water down the
     * very rate it is measured against).
     */
    private Transition recover(State state, Kind kind, Observation run, double usual) {
        int succeeded = run.attempts() - run.failed();
        double seen = (state.incFailed + settings.trouble() * PRIOR_ATTEMPTS) / (state.incAttempts + PRIOR_ATTEMPTS);
        double during = Math.max(seen, Math.min(settings.trouble(), 2 * usual));
        state.recovery = Math.max(0, state.recovery + run.failed() * Math.log(usual / during)
                + succeeded * Math.log((1 - usual) / (1 - during)));
        state.recoveringAttempts += run.attempts();
        state.recoveringFailed += run.failed();
        if (run.failed() > 0 || state.recovery <= 0) {
            state.incAttempts += state.recoveringAttempts;
            state.incFailed += state.recoveringFailed;
            state.recoveringAttempts = 0;
            state.recoveringFailed = 0;
        }
        if (state.recovery >= resolveThreshold(kind, state.interval)) {
            state.open = false;
            state.recovery = 0;
            state.cusum = 0;
            state.streak = 0;
            state.runsSinceResolve = settings.continueWithin() > 0 ? 0 : -1;
            resetExcursion(state);
            return settings.continueWithin() > 0 ? Transition.RESOLVED : Transition.CONFIRMED;
        }
        return run.runFailed() ? Transition.UPDATED : Transition.NONE;
    }

    /**
     * The rate rule's threshold: the kind's evidence at its reference interval, plus the log of how many more runs a
     * 30-day stretch holds at this interval (at most ±3 nats): the chance of a false incident per stretch stays put.
     */
    double openThreshold(Kind kind, Duration interval) {
        double ratio = runs(kind.reference(), Duration.ofDays(30)) / runs(interval(kind, interval), Duration.ofDays(30));
        return kind.openEvidence() + Math.min(4, GROWTH * Math.max(0, -Math.log(ratio)));
    }

    /** The recovery threshold: the kind's evidence plus the log of the runs in a day. */
    double resolveThreshold(Kind kind, Duration interval) {
        return kind.resolveEvidence() + Math.log(Math.max(1, runs(interval(kind, interval), Duration.ofDays(1))));
    }

    private static Duration interval(Kind kind, Duration interval) {
        return interval == null || interval.isZero() || interval.isNegative() ? kind.reference() : interval;
    }

    private static double runs(Duration every, Duration span) {
        return (double) span.toMillis() / every.toMillis();
    }

    private double usual(State state, Kind kind) {
        double rate = (state.baseFailed + kind.usual() * kind.priorWeight())
                / (state.baseAttempts + kind.priorWeight());
        return Math.max(settings.floor(), Math.min(settings.cap(), rate));
    }

    private static void resetExcursion(State state) {
        state.exRuns = 0;
        state.exFailedRuns = 0;
        state.exAttempts = 0;
        state.exFailedAttempts = 0;
        state.exSince = null;
    }

    private State state(String platform, String probe) {
        return states.computeIfAbsent(platform, p -> new HashMap<>(4)).computeIfAbsent(probe, k -> new State());
    }

    private State find(String platform, String probe) {
        Map<String, State> byProbe = states.get(platform);
        return byProbe == null ? null : byProbe.get(probe);
    }
}
