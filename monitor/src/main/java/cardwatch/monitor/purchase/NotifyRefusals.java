package cardwatch.monitor.purchase;

import cardwatch.monitor.platform.PlatformCatalog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
    private final Clock clock;
    private final Map<String, long[]> logged = new ConcurrentHashMap<>();
    private volatile MeterRegistry registry;

    NotifyRefusals(PlatformCatalog catalog, Clock clock) {
        this.catalog = catalog;
        this.clock = clock;
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
        long now = clock.millis();
        long[] window = logged.computeIfAbsent(label, k -> new long[] {Long.MIN_VALUE, 0});
        long suppressed;
        synchronized (window) {
            if (window[0] != Long.MIN_VALUE && now - window[0] < LOG_EVERY.toMillis()) {
                window[1]++;
                return;
            }
            suppressed = window[1];
            window[0] = now;
            window[1] = 0;
        }
        log.warn("notify for platform {} refused ({}): {}{}", known ? platform : "(unknown)", reason, detail,
                suppressed == 0 ? "" : "; " + suppressed + " more refused since the last of these lines");
    }

    private Counter counter(String platform, String reason) {
        return Counter.builder(METER).description("Notifies refused: bad signature, not a notify, unknown platform; "
                + "none of them reaches a run").tags("platform", platform, "reason", reason).register(registry);
    }
}
