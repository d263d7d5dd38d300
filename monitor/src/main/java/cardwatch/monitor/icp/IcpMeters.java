package cardwatch.monitor.icp;

import cardwatch.monitor.platform.Platform;
import cardwatch.monitor.platform.PlatformCatalog;
import cardwatch.probes.icp.IcpProbe;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.stereotype.Component;

/**
 * {@code cardwatch_icp_status{platform,status}}: 1 for the current status, 0 for the others; every status of every
 * ICP-checked platform exists from the start, at 0.
 */
@Component
public class IcpMeters implements MeterBinder {

    private final PlatformCatalog catalog;
    private final Map<String, AtomicInteger> gauges = new ConcurrentHashMap<>();

    IcpMeters(PlatformCatalog catalog) {
        this.catalog = catalog;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (Platform platform : catalog.all()) {
            if (!platform.schedules().containsKey(IcpProbe.KIND)) {
                continue;
            }
            for (String status : IcpProbe.STATUSES) {
                AtomicInteger value = gauges.computeIfAbsent(platform.id() + "/" + status, k -> new AtomicInteger());
                Gauge.builder("cardwatch.icp.status", value, AtomicInteger::get)
                        .description("1 for the platform's current ICP filing status, 0 for the others")
                        .tags("platform", platform.id(), "status", status).register(registry);
            }
        }
    }

    /** Makes {@code status} the platform's current one. */
    public void current(String platform, String status) {
        for (String each : IcpProbe.STATUSES) {
            AtomicInteger value = gauges.get(platform + "/" + each);
            if (value != null) {
                value.set(each.equals(status) ? 1 : 0);
            }
        }
    }
}
