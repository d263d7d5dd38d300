package cardwatch.monitor.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class MetricsScrapeTest {

    private final MetricsScrape.FamilyRegistry families = new MetricsScrape.FamilyRegistry();
    private final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT, families,
            io.micrometer.core.instrument.Clock.SYSTEM);

    private void someMeters() {
        for (int p = 0; p < 50; p++) {
            Counter.builder("cardwatch.probe.runs").tags("platform", "p" + p, "probe", "availability",
                    "outcome", "success", "reason", "none").register(meters).increment(p);
            Timer.builder("cardwatch.delivery").serviceLevelObjectives(Duration.ofSeconds(1), Duration.ofSeconds(10))
                    .tags("platform", "p" + p).register(meters).record(Duration.ofMillis(300 * p));
            Gauge.builder("cardwatch.probe.last.run", new AtomicLong(1_700_000_000L + p), AtomicLong::get)
                    .baseUnit("seconds").tags("platform", "p" + p).register(meters);
        }
        Timer.builder("cardwatch.probe.duration").publishPercentileHistogram().tag("probe", "availability")
                .register(meters).record(Duration.ofMillis(42));
    }

    private String streamed(java.util.function.Predicate<String> included) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        families.write(out, included);
        return out.toString(StandardCharsets.UTF_8);
    }

    private static Set<String> lines(String text) {
        return new TreeSet<>(Arrays.asList(text.split("\n")));
    }

    @Test
    void familyByFamilyWritesWhatTheLibrarysWholeSnapshotWrites() throws Exception {
        someMeters();
        ByteArrayOutputStream whole = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(whole, families.scrape());

        String streamed = streamed(name -> true);
        assertThat(lines(streamed)).isEqualTo(lines(whole.toString(StandardCharsets.UTF_8)));
        assertThat(streamed).contains("cardwatch_probe_runs_total{outcome=\"success\",platform=\"p7\",probe=\""
                + "availability\",reason=\"none\"} 7.0");
        assertThat(streamed.split("\n# TYPE cardwatch_delivery_seconds histogram").length)
                .as("each family's header once").isEqualTo(2);
    }

    @Test
    void aRemovedMeterAndItsEmptyFamilyLeave() throws Exception {
        someMeters();
        meters.getMeters().stream().filter(m -> m.getId().getName().equals("cardwatch.delivery"))
                .toList().forEach(meters::remove);
        assertThat(streamed(name -> true)).doesNotContain("cardwatch_delivery").contains("cardwatch_probe_runs_total");
    }

    @Test
    void includedNamesKeepOnlyThoseFamilies() throws Exception {
        someMeters();
        String only = streamed(Set.of("cardwatch_probe_last_run_seconds")::contains);
        List<String> samples = only.lines().filter(l -> !l.startsWith("#")).toList();
        assertThat(samples).hasSize(50).allMatch(l -> l.startsWith("cardwatch_probe_last_run_seconds{platform="));
    }
}
