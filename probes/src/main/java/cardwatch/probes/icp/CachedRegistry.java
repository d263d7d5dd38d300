package cardwatch.probes.icp;

import cardwatch.probes.ProbeContext;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import java.time.Duration;

/**
 * Filings change rarely and registries ration their answers: answers are cached (default 7 days; a failed lookup is
 * never cached) and lookups are rate-limited, waiting a bounded time for a permit.
 */
public final class CachedRegistry implements IcpRegistry {

    private final IcpRegistry registry;
    private final Cache<String, Lookup> answers;
    private final RateLimiter limiter;

    public CachedRegistry(IcpRegistry registry, Duration keep, int perMinute) {
        this.registry = registry;
        this.answers = Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(keep).build();
        this.limiter = RateLimiter.of("icp-" + registry.name(), RateLimiterConfig.custom()
                .limitForPeriod(perMinute).limitRefreshPeriod(Duration.ofMinutes(1))
                .timeoutDuration(Duration.ofSeconds(30)).build());
    }

    @Override
    public String name() {
        return registry.name();
    }

    @Override
    public Lookup lookup(String domain, ProbeContext context) throws InterruptedException {
        Lookup cached = answers.getIfPresent(domain);
        if (cached != null) {
            return cached;
        }
        if (!limiter.acquirePermission()) {
            return new Lookup.Failed("the registry's rate limit is reached; asked again later");
        }
        Lookup answer = registry.lookup(domain, context);
        if (!(answer instanceof Lookup.Failed)) {
            answers.put(domain, answer);
        }
        return answer;
    }
}
