package cardwatch.monitor.platform;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Meters with a {@code platform} label that are there from a platform's start. Bound for every platform at start;
 * later, when the catalog changes, {@link CatalogMeters} removes a platform's meters and binds the new or changed
 * platform again.
 */
public interface PlatformMeters extends MeterBinder {

    /** Registers {@code platform}'s meters (again: registering an existing meter keeps it). */
    void bind(MeterRegistry registry, Platform platform);

    /**
     * Drops what is kept about these platforms' meters, which were just removed from the registry: all of them when
     * the platforms were {@code removed}, their gauges when they changed.
     */
    default void forget(java.util.Set<String> platforms, boolean removed) {
    }
}
