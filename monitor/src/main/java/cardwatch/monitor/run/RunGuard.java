package cardwatch.monitor.run;

import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Which platform's probe is running in this process. A run holds its key from the trigger's fire to its row
 * being final; the scheduler, the reconciliation of interrupted runs and the refund watch all take it, so no two
 * of them work on one platform's probe at once.
 */
@Component
public class RunGuard {

    private final Set<String> held = ConcurrentHashMap.newKeySet();
    private final Map<String, Instant> lastFire = new ConcurrentHashMap<>();

    public boolean acquire(String platform, String probe) {
        return held.add(key(platform, probe));
    }

    public void release(String platform, String probe) {
        held.remove(key(platform, probe));
    }

    /**
     * Whether {@code fire} is later than every fire this process took for the platform's probe before (and takes it
     * if so): a trigger that fires the same time twice runs once. For runs whose row is written only at their end;
     * a purchase's row, written before it starts, is its own guard.
     */
    public boolean firstFire(String platform, String probe, Instant fire) {
        boolean[] taken = {false};
        lastFire.compute(key(platform, probe), (key, last) -> {
            taken[0] = last == null || fire.isAfter(last);
            return taken[0] ? fire : last;
        });
        return taken[0];
    }

    public boolean isHeld(String platform, String probe) {
        return held.contains(key(platform, probe));
    }

    private static String key(String platform, String probe) {
        return platform + "/" + probe;
    }
}
