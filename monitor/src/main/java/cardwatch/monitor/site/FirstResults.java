package cardwatch.monitor.site;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Brings a platform's first result onto the pages soon after it lands, instead of at the next regular refresh (every
 * 30 s): a platform's first run after the start asks for a refresh {@link #SETTLE} later (its row written by then),
 * and the first runs of many platforms share one. A platform asks once; and a refresh asked this way waits at least
 * {@link #SPACING} times the last refresh's duration after that refresh, so that at a fleet's start, when thousands
 * of platforms run for the first time, the roll-up takes no more than a fifth of a core.
 */
final class FirstResults {

    /** How long after a first run its refresh comes: rows are written in batches, within a second. */
    static final Duration SETTLE = Duration.ofSeconds(2);
    static final int SPACING = 5;

    private final ScheduledExecutorService timer;
    private final Runnable refresh;
    private final Set<String> asked = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean pending = new AtomicBoolean();
    private volatile long lastEndedNanos;
    private volatile long lastTookNanos;

    FirstResults(ScheduledExecutorService timer, Runnable refresh) {
        this.timer = timer;
        this.refresh = refresh;
    }

    /** A run of {@code platform} ended; true when this asked for a refresh (its first, and none was pending). */
    boolean ran(String platform, long nowNanos) {
        if (!asked.add(platform) || !pending.compareAndSet(false, true)) {
            return false;
        }
        long earliest = lastEndedNanos + SPACING * lastTookNanos;
        long delay = Math.max(SETTLE.toNanos(), earliest - nowNanos);
        try {
            timer.schedule(() -> {
                pending.set(false);
                refresh.run();
            }, delay, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            pending.set(false); // shutting down
            return false;
        }
        return true;
    }

    /** A refresh (of any kind) ran from {@code startNanos} to {@code endNanos}. */
    void refreshed(long startNanos, long endNanos) {
        lastTookNanos = endNanos - startNanos;
        lastEndedNanos = endNanos;
    }
}
