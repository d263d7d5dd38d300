package cardwatch.monitor.platform;

import cardwatch.monitor.system.CardwatchProperties;
import cardwatch.monitor.system.ProbeRegistry;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Loads the platforms at start-up: from {@code cardwatch.platforms-file}, or, when none is given, from the demo's
 * simulated platforms. A bad file stops the start before anything else runs.
 */
@Configuration(proxyBeanMethods = false)
class PlatformConfiguration {

    @Bean
    SecretResolver secretResolver(CardwatchProperties properties) {
        Path file = properties.secretsFile().isBlank() ? null : Path.of(properties.secretsFile());
        return new SecretResolver(System::getenv, file);
    }

    @Bean
    PlatformCatalog platformCatalog(CardwatchProperties properties, SecretResolver secrets, ProbeRegistry registry,
            ObjectProvider<DemoPlatforms> demo) {
        ZoneId zone = ZoneId.of(properties.schedule().timeZone());
        if (properties.platformsFile().isBlank()) {
            DemoPlatforms platforms = demo.getObject();
            PlatformConfigLoader loader = new PlatformConfigLoader(registry.probes().keySet(), registry.protocols(),
                    new PlatformConfigLoader.Limits(properties.purchase().maxPrice(),
                            properties.demo().minInterval(), zone, properties.budget().dailyPerPlatform()), secrets);
            List<Platform> loaded = loader.validate(platforms.source(), platforms.entries(secrets));
            return new PlatformCatalog(platforms.source(), loaded, secrets);
        }
        PlatformConfigLoader loader = new PlatformConfigLoader(registry.probes().keySet(), registry.protocols(),
                new PlatformConfigLoader.Limits(properties.purchase().maxPrice(), properties.schedule().minInterval(),
                        zone, properties.budget().dailyPerPlatform()), secrets);
        Path file = Path.of(properties.platformsFile());
        return new PlatformCatalog(file.toString(), loader.load(file), secrets);
    }
}
