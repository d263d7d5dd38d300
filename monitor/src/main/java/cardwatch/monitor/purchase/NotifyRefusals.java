package cardwatch.monitor.purchase;

import cardwatch.monitor.platform.PlatformCatalog;
import cardwatch.monitor.system.ThrottledLog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Notifies refused: counted in {@code cardwatch_notify_rejected_total{platform,reason}} (reasons
 * {@code bad_signature}, {@code malformed}, and {@code unknown_platform} under platform {@code _unknown}), and logged
 * at most once a minute per platform, with how many were not logged since: a flood of forged notifies costs one log
 * line a minute, never a line each.
 */
@Component
class NotifyRefusals implements MeterBinder {

    static final String METER = "cardwatch.notify.rejected";
    static final String UNKNOWN = "_unknown";
    static final Duration LOG_EVERY = Duration.ofMinutes(1);
    private static final Logger log = LoggerFactory.getLogger(NotifyRefusals.class);

    private final PlatformCatalog catalog;
    private final ThrottledLog throttle;
    private volatile MeterRegistry registry;

    NotifyRefusals(PlatformCatalog catalog, Clock clock) {
        this.catalog = catalog;
        this.throttle = new ThrottledLog(clock, LOG_EVERY);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        this.registry = registry;
        // a platform's series appear with its first refusal; a forged notify changes no verdict, so no alert waits
        // on its first one
        counter(UNKNOWN, "unknown_platform");
    }

    /** Counts and (at most once a minute per platform) logs a refusal; {@code detail} is already safe to log. */
    void refused(String platform, String reason, String detail) {
        boolean known = catalog.find(platform).isPresent();
        String label = known ? platform : UNKNOWN;
        if (registry != null) {
            counter(label, reason).increment();
        }
        long suppressed = throttle.pass(label);
        if (suppressed < 0) {
            return;
        }
        log.warn("notify for platform {} refused ({}): {}{}", known ? platform : "(unknown)", reason, detail,
                suppressed == 0 ? "" : "; " + suppressed + " more refused since the last of these lines");
    }

    private Counter counter(String platform, String reason) {
        return Counter.builder(METER).description("Notifies refused: bad signature, not a notify, unknown platform; "
                + "none of them reaches a run").tags("platform", platform, "reason", reason).register(registry);
    }
}
