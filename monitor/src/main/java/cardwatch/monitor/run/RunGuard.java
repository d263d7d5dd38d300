package cardwatch.monitor.run;

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

    public boolean acquire(String platform, String probe) {
        return held.add(key(platform, probe));
    }

    public void release(String platform, String probe) {
        held.remove(key(platform, probe));
    }

    public boolean isHeld(String platform, String probe) {
        return held.contains(key(platform, probe));
    }

    private static String key(String platform, String probe) {
        return platform + "/" + probe;
    }
}
