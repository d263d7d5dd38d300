package cardwatch.monitor.incident;

import cardwatch.monitor.system.CardwatchProperties;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides when a platform's probe is in trouble, from its judged runs one at a time: an incident opens after N
 * consecutive failures or when the failure ratio over the last runs passes a threshold with enough samples, and
 * resolves after M consecutive successes. One that reopens soon after it resolved continues instead of starting
 * anew. Maintenance runs and runs that failed on our side ({@code error}) are not evidence: they change nothing.
 * Not thread-safe per key; the caller serialises the runs of one platform and probe.
 */
public final class IncidentTracker {

    /**
     * @param openAfter       consecutive failures that open an incident, per probe
     * @param defaultOpenAfter for probes not in {@code openAfter}
     * @param resolveAfter    consecutive successes that resolve it
     * @param window          the runs the failure ratio is taken over
     * @param ratio           the failure ratio that opens an incident
     * @param minSamples      runs needed in the window before the ratio counts
     * @param continueWithin  an incident that reopens this soon after resolving continues the previous one
     */
    public record Settings(Map<String, Integer> openAfter, int defaultOpenAfter, int resolveAfter, int window,
            double ratio, int minSamples, Duration continueWithin) {

        public static Settings defaults() {
            return from(new CardwatchProperties.Incidents(2, 3, 2, 20, 0.5, 10, Duration.ofMinutes(30)));
        }

        public static Settings from(CardwatchProperties.Incidents config) {
            return new Settings(Map.of("purchase", config.purchaseOpenAfter(), "availability",
                    config.availabilityOpenAfter()), config.availabilityOpenAfter(), config.resolveAfter(),
                    config.window(), config.ratio(), config.minSamples(), config.continueWithin());
        }

        int openAfter(String probe) {
            return openAfter.getOrDefault(probe, defaultOpenAfter);
        }
    }

    /** What a run changed. */
    public enum Transition {
        /** Nothing to tell. */
        NONE,
        /** A new incident. */
        OPENED,
        /** The incident that resolved moments ago is open again: the same one continues. */
        CONTINUED,
        /** Another failure while open. */
        UPDATED,
        /** Enough successes in a row. */
        RESOLVED
    }

    /** How a run ended, as far as incidents care. */
    public enum Verdict {
        SUCCESS, FAILURE, NOT_EVIDENCE
    }

    private static final class State {
        int failures;
        int successes;
        final Deque<Boolean> recent = new ArrayDeque<>();
        boolean open;
        Instant resolvedAt;
    }

    private final Settings settings;
    private final Map<String, State> states = new HashMap<>();

    public IncidentTracker(Settings settings) {
        this.settings = settings;
    }

    /**
     * Restores a key's counters at start from its stored runs, oldest first (true: failed), and when its last incident
     * resolved: a restart neither forgets failures in a row nor turns a quick reopening into a new incident. Nothing
     * opens or resolves here.
     */
    public void prime(String platform, String probe, List<Boolean> failedOldestFirst, Instant resolvedAt) {
        State state = state(platform, probe);
        state.resolvedAt = resolvedAt;
        state.recent.clear();
        state.failures = 0;
        state.successes = 0;
        for (boolean failed : failedOldestFirst) {
            state.recent.addLast(failed);
            if (state.recent.size() > settings.window()) {
                state.recent.removeFirst();
            }
            state.failures = failed ? state.failures + 1 : 0;
            state.successes = failed ? 0 : state.successes + 1;
        }
    }

    /** Marks a key open without evidence, for incidents found open in the database at start. */
    public void restoreOpen(String platform, String probe) {
        state(platform, probe).open = true;
    }

    /** Closes a key without evidence (the self-check's incident resolves when a reference answers). */
    public void resolveNow(String platform, String probe) {
        State state = state(platform, probe);
        state.open = false;
        state.failures = 0;
    }

    public boolean isOpen(String platform, String probe) {
        State state = states.get(platform + "\u0000" + probe);
        return state != null && state.open;
    }

    public Transition observe(String platform, String probe, Verdict verdict, Instant at) {
        if (verdict == Verdict.NOT_EVIDENCE) {
            return Transition.NONE;
        }
        State state = state(platform, probe);
        boolean failed = verdict == Verdict.FAILURE;
        state.recent.addLast(failed);
        if (state.recent.size() > settings.window()) {
            state.recent.removeFirst();
        }
        if (failed) {
            state.failures++;
            state.successes = 0;
        } else {
            state.successes++;
            state.failures = 0;
        }
        if (state.open) {
            if (!failed && state.successes >= settings.resolveAfter()) {
                state.open = false;
                state.resolvedAt = at;
                state.recent.clear();
                return Transition.RESOLVED;
            }
            return failed ? Transition.UPDATED : Transition.NONE;
        }
        if (failed && (state.failures >= settings.openAfter(probe) || ratioPassed(state))) {
            state.open = true;
            boolean continues = state.resolvedAt != null
                    && Duration.between(state.resolvedAt, at).compareTo(settings.continueWithin()) <= 0;
            return continues ? Transition.CONTINUED : Transition.OPENED;
        }
        return Transition.NONE;
    }

    private boolean ratioPassed(State state) {
        if (state.recent.size() < settings.minSamples()) {
            return false;
        }
        long failed = state.recent.stream().filter(f -> f).count();
        return failed >= settings.ratio() * state.recent.size();
    }

    private State state(String platform, String probe) {
        return states.computeIfAbsent(platform + "\u0000" + probe, k -> new State());
    }
}
