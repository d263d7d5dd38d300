package cardwatch.monitor.system;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Fault injection for the crash tests: with {@code cardwatch.testing.pause-at} set to a point, a purchase run that
 * reaches it prints {@code CARDWATCH-PAUSED <point>} and waits there forever, to be killed with SIGKILL. Empty
 * (the default) does nothing.
 */
@Component
public class CrashPoints {

    public static final String AFTER_SUBMIT = "after-submit";
    public static final String DURING_CONFIRM = "during-confirm";
    public static final String BEFORE_FINAL_ROW = "before-final-row";

    private static final Logger log = LoggerFactory.getLogger(CrashPoints.class);
    private final String pauseAt;

    public CrashPoints(CardwatchProperties properties) {
        this.pauseAt = properties.testing().pauseAt().trim();
        if (!pauseAt.isEmpty()) {
            log.warn("crash test mode: purchase runs stop at '{}' and wait to be killed", pauseAt);
        }
    }

    public void reached(String point) throws InterruptedException {
        if (!point.equals(pauseAt)) {
            return;
        }
        System.out.println("CARDWATCH-PAUSED " + point);
        System.out.flush();
        while (true) {
            Thread.sleep(60_000);
        }
    }
}
