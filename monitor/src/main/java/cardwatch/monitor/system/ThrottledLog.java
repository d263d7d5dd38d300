package cardwatch.monitor.system;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * For lines that can come in floods (an overloaded scheduler skips thousands of runs a minute, a forger posts
 * thousands of notifies): per key, the first line in each period is written, with how many were left out since the
 * last one; the rest are only counted. Writing every one would cost the CPU and the disk the service needs.
 */
public final class ThrottledLog {

    private final Clock clock;
    private final long periodMillis;
    private final Map<String, long[]> windows = new ConcurrentHashMap<>();

    public ThrottledLog(Clock clock, Duration period) {
        this.clock = clock;
        this.periodMillis = period.toMillis();
    }

    /**
     * Whether a line for {@code key} may be written now.
     *
     * @return -1 when it may not (it is counted); else how many were left out since the last line written
     */
    public long pass(String key) {
        long now = clock.millis();
        long[] window = windows.computeIfAbsent(key, k -> new long[] {Long.MIN_VALUE, 0});
        synchronized (window) {
            if (window[0] != Long.MIN_VALUE && now - window[0] < periodMillis) {
                window[1]++;
                return -1;
            }
            long left = window[1];
            window[0] = now;
            window[1] = 0;
            return left;
        }
    }
}
