package cardwatch.monitor.scoring;

import cardwatch.monitor.platform.Platform;
import cardwatch.monitor.platform.PlatformCatalog;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import cardwatch.monitor.platform.PlatformMeters;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * {@code cardwatch_trust_score{platform}} and {@code cardwatch_trust_component{platform,component}} from the last
 * computed scores. A platform with grade "?" or a component without evidence reports NaN: no number is better
 * than a made-up one.
 */
@Component
class ScoreMeters implements PlatformMeters {

    static final List<String> COMPONENTS = List.of("reliability", "delivery", "refunds", "compliance", "complaints",
            "availability");

    private final PlatformCatalog catalog;
    private final ScoreService scores;

    ScoreMeters(PlatformCatalog catalog, ScoreService scores) {
        this.catalog = catalog;
        this.scores = scores;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        catalog.all().forEach(p -> bind(registry, p));
    }

    @Override
    public void bind(MeterRegistry registry, Platform platform) {
        String id = platform.id();
        Gauge.builder("cardwatch.trust.score", scores, s -> s.latest(id)
                .map(score -> score.score() == null ? Double.NaN : score.score()).orElse(Double.NaN))
                .description("Trust score 0-100; NaN while the grade is ? (too little evidence)")
                .tag("platform", id).register(registry);
    }
}
