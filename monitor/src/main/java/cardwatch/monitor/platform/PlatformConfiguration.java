package cardwatch.monitor.platform;

import cardwatch.monitor.system.CardwatchProperties;
import cardwatch.monitor.system.ProbeRegistry;
import cardwatch.probes.http.HttpTransport;
import cardwatch.probes.icp.CachedRegistry;
import cardwatch.probes.reviews.ComplaintStore;
import cardwatch.probes.reviews.PoliteFetcher;
import cardwatch.probes.icp.IcpRegistry;
import cardwatch.probes.icp.JsonRegistry;
import cardwatch.probes.icp.MiitRegistry;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
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

    /** The demo's registry is simulated: no need to ration it like the real one. */
    private static final int DEMO_LOOKUPS_PER_MINUTE = 600;

    @Bean
    SecretResolver secretResolver(CardwatchProperties properties) {
        Path file = properties.secretsFile().isBlank() ? null : Path.of(properties.secretsFile());
        return new SecretResolver(System::getenv, file);
    }

    /**
     * Where ICP filings are looked up: the demo's simulated registry, the MIIT query flow (whose captcha needs a
     * {@link MiitRegistry.CaptchaSolver} bean; without one its lookups end as lookup_error) or a JSON provider; cached
     * and rate-limited.
     */
    @Bean
    IcpRegistry icpRegistry(CardwatchProperties properties, ObjectProvider<DemoPlatforms> demo,
            ObjectProvider<MiitRegistry.CaptchaSolver> solver) {
        CardwatchProperties.Icp icp = properties.icp();
        IcpRegistry registry;
        if (properties.platformsFile().isBlank()) {
            registry = demo.getObject().icpRegistry();
        } else if (icp.provider().equals("json")) {
            if (icp.jsonUrl().isBlank()) {
                throw new PlatformConfigException(List.of("cardwatch.icp.json-url: is required by provider json"));
            }
            registry = new JsonRegistry(icp.jsonUrl(), icp.jsonFields() == null ? Map.of() : icp.jsonFields());
        } else if (icp.provider().equals("miit")) {
            registry = new MiitRegistry(URI.create(icp.miitUrl()), solver.getIfAvailable(() -> challenge -> null));
        } else {
            throw new PlatformConfigException(List.of("cardwatch.icp.provider: '" + icp.provider()
                    + "' is not one of miit, json"));
        }
        int perMinute = properties.platformsFile().isBlank() ? Math.max(icp.perMinute(), DEMO_LOOKUPS_PER_MINUTE)
                : icp.perMinute();
        return new CachedRegistry(registry, icp.cache(), perMinute);
    }

    /**
     * The complaint table, reached at run time only: reading the config must not start the database (a bad file
     * stops the start before anything else does).
     */
    private record LazyComplaintStore(ObjectProvider<ComplaintStore> store) implements ComplaintStore {
        @Override
        public boolean storedUnchanged(String platform, cardwatch.probes.reviews.Complaint complaint) {
            return store.getObject().storedUnchanged(platform, complaint);
        }

        @Override
        public boolean save(String platform, cardwatch.probes.reviews.Complaint complaint,
                cardwatch.probes.reviews.ComplaintClassifier.Verdict verdict) {
            return store.getObject().save(platform, complaint, verdict);
        }
    }

    /** Crawls politely: one per service, so its per-host spacing and robots.txt cache hold across runs. */
    @Bean
    PoliteFetcher politeFetcher(HttpTransport http, CardwatchProperties properties) {
        CardwatchProperties.Reviews reviews = properties.reviews();
        return new PoliteFetcher(http, new PoliteFetcher.Limits(reviews.perHost(), reviews.retries(),
                reviews.maxBackoff()));
    }

    /**
     * Validates platform entries, from the file at start and on a re-read, and from the admin API: one set of rules
     * and messages for both. The demo's platforms may be probed more often than a real file allows.
     */
    @Bean
    PlatformConfigLoader platformConfigLoader(CardwatchProperties properties, SecretResolver secrets,
            ProbeRegistry registry, IcpRegistry icpRegistry, PoliteFetcher fetcher,
            ObjectProvider<ComplaintStore> complaints) {
        PlatformConfigLoader.ReviewSupport reviews = new PlatformConfigLoader.ReviewSupport(fetcher,
                new LazyComplaintStore(complaints));
        ZoneId zone = ZoneId.of(properties.schedule().timeZone());
        java.time.Duration minInterval = properties.platformsFile().isBlank() ? properties.demo().minInterval()
                : properties.schedule().minInterval();
        return new PlatformConfigLoader(registry.probes().keySet(), registry.protocols(),
                new PlatformConfigLoader.Limits(properties.purchase().maxPrice(), minInterval, zone,
                        properties.budget().dailyPerPlatform()), secrets, icpRegistry, reviews);
    }

    @Bean
    PlatformCatalog platformCatalog(CardwatchProperties properties, SecretResolver secrets,
            PlatformConfigLoader loader, ObjectProvider<DemoPlatforms> demo) {
        if (properties.platformsFile().isBlank()) {
            DemoPlatforms platforms = demo.getObject();
            List<Platform> loaded = loader.validate(platforms.source(), platforms.entries(secrets));
            return new PlatformCatalog(platforms.source(), loaded, secrets);
        }
        Path file = Path.of(properties.platformsFile());
        long start = System.nanoTime();
        List<PlatformConfigLoader.Loaded> loaded = loader.read(file);
        org.slf4j.LoggerFactory.getLogger(PlatformConfiguration.class).info("read and validated {} platforms from {} "
                + "in {} ms", loaded.size(), file, (System.nanoTime() - start) / 1_000_000);
        return PlatformCatalog.of(file.toString(), loaded, secrets);
    }
}
