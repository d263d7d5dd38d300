package cardwatch.monitor.icp;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * {@code cardwatch_icp_status{platform,status}}: one series per ICP-checked platform, 1, labelled with its current
 * status; it appears with the platform's first check and moves to the new label when the status changes.
 */
@Component
public class IcpMeters implements MeterBinder {

    private final Map<String, Gauge> current = new ConcurrentHashMap<>();
    private volatile MeterRegistry registry;

    @Override
    public void bindTo(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Makes {@code status} the platform's current one. */
    public void current(String platform, String status) {
        MeterRegistry meters = registry;
        if (meters == null) {
            return;
        }
        current.compute(platform, (p, gauge) -> {
            if (gauge != null && status.equals(gauge.getId().getTag("status"))) {
                return gauge;
            }
            if (gauge != null) {
                meters.remove(gauge);
            }
            return Gauge.builder("cardwatch.icp.status", () -> 1)
                    .description("1, labelled with the platform's current ICP filing status")
                    .tags("platform", p, "status", status).register(meters);
        });
    }
}
