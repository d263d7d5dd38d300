package cardwatch.monitor.platform;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * Keeps the platform meters in step with the catalog while the service runs. A platform removed loses every
 * {@code cardwatch_*} series it had; a changed platform loses its gauges (which read its old settings, or a probe it
 * no longer has) and is bound again; a new one is bound. Counters and histograms of a changed platform stay, so its
 * rates carry on. The paused gauge belongs to the pauses, which remove it themselves.
 */
@Component
class CatalogMeters implements MeterBinder {

    private static final Set<String> NOT_OURS = Set.of("cardwatch.platform.paused");

    private final List<PlatformMeters> binders;
    private volatile MeterRegistry registry;

    CatalogMeters(PlatformCatalog catalog, List<PlatformMeters> binders) {
        this.binders = List.copyOf(binders);
        catalog.listen(this::apply);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        this.registry = registry;
    }

    void apply(PlatformCatalog.Change change) {
        MeterRegistry meters = registry;
        if (meters == null) { // before the meters are first bound: that binds every platform there is
            return;
        }
        Set<String> removed = new HashSet<>();
        change.removed().forEach(p -> removed.add(p.id()));
        Set<String> updated = new HashSet<>();
        change.updated().forEach(p -> updated.add(p.id()));
        // one pass over the registry, however many platforms changed (a fleet has hundreds of thousands of meters)
        for (Meter meter : meters.getMeters()) {
            Meter.Id id = meter.getId();
            String platform = id.getTag("platform");
            if (platform != null && id.getName().startsWith("cardwatch.") && !NOT_OURS.contains(id.getName())
                    && (removed.contains(platform) || updated.contains(platform) && meter instanceof Gauge)) {
                meters.remove(meter);
            }
        }
        binders.forEach(b -> {
            b.forget(removed, true);
            b.forget(updated, false);
        });
        for (Platform platform : change.added()) {
            binders.forEach(b -> b.bind(meters, platform));
        }
        for (Platform platform : change.updated()) {
            binders.forEach(b -> b.bind(meters, platform));
        }
    }
}
