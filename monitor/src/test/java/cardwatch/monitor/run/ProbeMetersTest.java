package cardwatch.monitor.run;

import static org.assertj.core.api.Assertions.assertThat;

import cardwatch.monitor.platform.Platform;
import cardwatch.monitor.platform.PlatformCatalog;
import cardwatch.monitor.platform.Schedule;
import cardwatch.monitor.platform.SecretResolver;
import cardwatch.probes.Outcome;
import cardwatch.probes.ProbeResult;
import cardwatch.probes.Reason;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProbeMetersTest {

    private static final Schedule EVERY_MINUTE = new Schedule(Duration.ofMinutes(1), null, Duration.ZERO);

    private static Platform platform(String id, boolean critical) {
        return new Platform(id, id, id, URI.create("http://127.0.0.1:1/"), "yrapi", "1", Map.of(), null,
                Map.of("availability", EVERY_MINUTE), BigDecimal.TEN, null,
                critical ? Map.of(Platform.CRITICAL, Boolean.TRUE) : Map.of());
    }

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ProbeMeters meters = new ProbeMeters(new PlatformCatalog("test",
            List.of(platform("vip", true), platform("plain", false)), new SecretResolver(name -> null, null)));

    {
        meters.bindTo(registry);
    }

    private double lastRun(String platform) {
        return registry.get(ProbeMeters.LAST_RUN).tags("platform", platform, "probe", "availability").gauge()
                .value();
    }

    @Test
    void theLastRunIsTheLastWithEvidenceAnErrorRunOfOursLeavesIt() {
        Instant success = Instant.parse("2026-12-01T00:00:00Z");
        meters.record("plain", "availability", new ProbeResult(Outcome.SUCCESS, Reason.NONE, Set.of(), Map.of(), null,
                null, null, "ok"), Duration.ofMillis(5), success);
        assertThat(lastRun("plain")).isEqualTo(success.getEpochSecond());

        meters.record("plain", "availability", ProbeResult.error(Reason.CREDENTIALS, "refused"), Duration.ofMillis(5),
                success.plusSeconds(60));
        assertThat(lastRun("plain")).as("an error run is no evidence").isEqualTo(success.getEpochSecond());

        meters.record("plain", "availability", new ProbeResult(Outcome.FAILURE, Reason.HTTP_ERROR, Set.of(),
                Map.of(), null, null, null, "503"), Duration.ofMillis(5), success.plusSeconds(120));
        assertThat(lastRun("plain")).as("a failure is evidence").isEqualTo(success.plusSeconds(120).getEpochSecond());
    }

    @Test
    void onlyAPlatformOptedInAsCriticalExportsItsMark() {
        assertThat(registry.get(ProbeMeters.CRITICAL).tags("platform", "vip").gauge().value()).isEqualTo(1);
        assertThat(registry.find(ProbeMeters.CRITICAL).tags("platform", "plain").gauge()).isNull();
        assertThat(platform("vip", true).critical()).isTrue();
        assertThat(platform("plain", false).critical()).isFalse();
    }

    @Test
    void thePurchaseIntervalIsTheScheduleItsLongestWaitForACron() {
        Platform paced = new Platform("paced", "paced", "paced", URI.create("http://127.0.0.1:1/"), "yrapi", "1",
                Map.of(), null, Map.of("purchase", new Schedule(Duration.ofHours(3), null, Duration.ofMinutes(2)),
                        "availability", EVERY_MINUTE), BigDecimal.TEN);
        // 09:00 and 09:30 every day: the wait that matters is the night's, 23 h 30 min
        Platform cron = new Platform("cron", "cron", "cron", URI.create("http://127.0.0.1:1/"), "yrapi", "1",
                Map.of(), null, Map.of("purchase", new Schedule(null, "0 0,30 9 * * ?", Duration.ZERO)),
                BigDecimal.TEN);
        // once a year: a year between runs, though the next 8 days hold one fire
        Platform yearly = new Platform("yearly", "yearly", "yearly", URI.create("http://127.0.0.1:1/"), "yrapi", "1",
                Map.of(), null, Map.of("purchase", new Schedule(null, "0 0 3 1 1 ?", Duration.ZERO)), BigDecimal.TEN);
        meters.bind(registry, paced);
        meters.bind(registry, cron);
        meters.bind(registry, yearly);
        assertThat(registry.get(ProbeMeters.INTERVAL).tags("platform", "yearly", "probe", "purchase").gauge().value())
                .isGreaterThanOrEqualTo(Duration.ofDays(365).toSeconds());
        assertThat(registry.get(ProbeMeters.INTERVAL).tags("platform", "paced", "probe", "purchase").gauge().value())
                .isEqualTo(10_800);
        assertThat(registry.get(ProbeMeters.INTERVAL).tags("platform", "cron", "probe", "purchase").gauge().value())
                .isEqualTo(84_600);
        assertThat(registry.find(ProbeMeters.INTERVAL).tag("platform", "plain").gauges())
                .as("no purchase schedule, no interval").isEmpty();
    }
}
