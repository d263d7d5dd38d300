package cardwatch.monitor.reviews;

import cardwatch.monitor.platform.Platform;
import cardwatch.monitor.platform.PlatformCatalog;
import cardwatch.probes.reviews.ComplaintClassifier;
import cardwatch.probes.reviews.ReviewsProbe;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import cardwatch.monitor.platform.PlatformMeters;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * {@code cardwatch_reviews{platform,category}}: complaints first seen in the last 30 days, per category;
 * {@code cardwatch_reviews_unresolved{platform}}. Read from the table, cached five seconds.
 */
@Component
class ReviewMeters implements PlatformMeters {

    private final PlatformCatalog catalog;
    private final ComplaintRepository complaints;
    private final LoadingCache<String, Map<String, Long>> recent;
    private final LoadingCache<String, Long> unresolved;

    ReviewMeters(PlatformCatalog catalog, ComplaintRepository complaints, Clock clock) {
        this.catalog = catalog;
        this.complaints = complaints;
        this.recent = Caffeine.newBuilder().expireAfterWrite(Duration.ofSeconds(5))
                .build(p -> complaints.recentByCategory(p, clock.instant().minus(Duration.ofDays(30))));
        this.unresolved = Caffeine.newBuilder().expireAfterWrite(Duration.ofSeconds(5)).build(complaints::unresolved);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        catalog.all().forEach(p -> bind(registry, p));
    }

    @Override
    public void bind(MeterRegistry registry, Platform platform) {
        if (!platform.schedules().containsKey(ReviewsProbe.KIND)) {
            return;
        }
        for (String category : ComplaintClassifier.standard().names()) {
            Gauge.builder("cardwatch.reviews", recent, c -> c.get(platform.id()).getOrDefault(category, 0L))
                    .description("Complaints first seen in the last 30 days, per category")
                    .tags("platform", platform.id(), "category", category).register(registry);
        }
        Gauge.builder("cardwatch.reviews.unresolved", unresolved, c -> c.get(platform.id()))
                .description("Complaints not resolved").tag("platform", platform.id()).register(registry);
    }
}
