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
                    .baseUnit("seconds").tags("platform", "p" + p).strongReference(true).register(meters);
        }
        Timer.builder("cardwatch.probe.duration").publishPercentileHistogram().tag("probe", "availability")
                .register(meters).record(Duration.ofMillis(42));
    }

    private String streamed(java.util.function.Predicate<String> included) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        families.write(out, included, meters);
        return out.toString(StandardCharsets.UTF_8);
    }

    private String library() throws Exception {
        ByteArrayOutputStream whole = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(whole, families.scrape());
        return whole.toString(StandardCharsets.UTF_8);
    }

    /** Every kind of meter, names and values the text must escape, labels whose order changes with their names. */
    private void everyKind() {
        someMeters();
        Counter.builder("cardwatch.hostile").description("back\\slash, \"quotes\" and a\nline feed")
                .tags("platform", "a\"b\\c\nd", "z.key", "卡盟 充值中", "a_b", "").register(meters).increment(2.5);
        Counter.builder("cardwatch.tagless").register(meters);
        Timer.builder("cardwatch.buckets").description("spread over buckets").serviceLevelObjectives(
                Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(30)).tags("platform", "x")
                .register(meters);
        for (long ms : new long[] {50, 50, 700, 5_000, 90_000}) {
            meters.timer("cardwatch.buckets", "platform", "x").record(Duration.ofMillis(ms));
        }
        Gauge.builder("cardwatch.odd", () -> Double.NaN).tag("v", "nan").register(meters);
        Gauge.builder("cardwatch.odd", () -> Double.POSITIVE_INFINITY).tag("v", "inf").register(meters);
        Gauge.builder("cardwatch.odd", () -> 1.2345678e-7).tag("v", "small").register(meters);
        double[] numbers = {0, -0.0, -3, 7, 9_999_999, 1e7, 12_345.5, 1_780_000_000, -1e300, Long.MAX_VALUE};
        for (int i = 0; i < numbers.length; i++) {
            double number = numbers[i];
            Gauge.builder("cardwatch.odd", () -> number).tag("v", "n" + i).register(meters);
        }
        Timer.builder("cardwatch.percentiles").publishPercentiles(0.5, 0.99).register(meters)
                .record(Duration.ofMillis(3));
        Timer.builder("cardwatch.plain.timer").register(meters).record(Duration.ofMillis(3));
        io.micrometer.core.instrument.TimeGauge.builder("cardwatch.time.gauge", () -> 1500,
                java.util.concurrent.TimeUnit.MILLISECONDS).register(meters);
        io.micrometer.core.instrument.FunctionCounter.builder("cardwatch.function", this, t -> 4).register(meters);
        io.micrometer.core.instrument.DistributionSummary.builder("cardwatch.summary").serviceLevelObjectives(1, 10)
                .register(meters).record(3);
        for (String area : new String[] {"heap", "nonheap"}) {
            Gauge.builder("cardwatch.memory.used", () -> 1 << 20).baseUnit("bytes").description("steady, unlike the JVM's")
                    .tags("id", "CodeHeap 'profiled nmethods'", "area", area).register(meters);
        }
    }

    @Test
    void theFamiliesWrittenFromTheirMetersReadAsTheLibrarysLineForLine() throws Exception {
        everyKind();
        ByteArrayOutputStream first = new ByteArrayOutputStream();
        assertThat(families.write(first, name -> true, meters)).as("the first scrape names the collectors").isZero();
        ByteArrayOutputStream again = new ByteArrayOutputStream();
        int plain = families.write(again, name -> true, meters);
        String library = library();

        assertThat(plain).as("runs, delivery, last run, hostile, tagless, buckets, odd, memory").isGreaterThan(7);
        assertThat(again.toString(StandardCharsets.UTF_8).lines().sorted().toList())
                .containsExactlyInAnyOrderElementsOf(library.lines().toList());
        assertThat(library).as("the hostile family is in it, escaped")
                .contains("cardwatch_hostile_total{a_b=\"\",platform=\"a\\\"b\\\\c\\nd\",z_key=\"卡盟 充值中\"} 2.5")
                .contains("# HELP cardwatch_hostile_total back\\\\slash, \"quotes\" and a\\nline feed")
                .contains("cardwatch_buckets_seconds_bucket{platform=\"x\",le=\"1.0\"} 3")
                .contains("cardwatch_percentiles_seconds{quantile=\"0.5\"}");
        assertThat(first.toString(StandardCharsets.UTF_8).lines().sorted().toList())
                .containsExactlyInAnyOrderElementsOf(library.lines().toList());
    }

    @Test
    void aFamilyWhoseMetersDisagreeIsLeftToTheLibrary() throws Exception {
        someMeters();
        streamed(name -> true);
        int before = families.write(java.io.OutputStream.nullOutputStream(), name -> true, meters);
        // refused by the library (other label names), yet listed by Micrometer: not written by either
        Counter.builder("cardwatch.probe.runs").tag("other", "x").register(meters).increment();
        String text = streamed(name -> true);
        assertThat(families.write(java.io.OutputStream.nullOutputStream(), name -> true, meters)).isEqualTo(before - 1);
        assertThat(text).doesNotContain("other=").contains("cardwatch_probe_runs_total{outcome=");
        assertThat(text.lines().sorted().toList()).isEqualTo(library().lines().sorted().toList());
    }

    private static Set<String> lines(String text) {
        return new TreeSet<>(Arrays.asList(text.split("\n")));
    }

    @Test
    void familyByFamilyWritesWhatTheLibrarysWholeSnapshotWrites() throws Exception {
        someMeters();
        String whole = library();
        assertThat(lines(streamed(name -> true))).as("the first scrape").isEqualTo(lines(whole));
        String streamed = streamed(name -> true);
        assertThat(lines(streamed)).isEqualTo(lines(whole));
        assertThat(streamed).contains("cardwatch_probe_runs_total{outcome=\"success\",platform=\"p7\",probe=\""
                + "availability\",reason=\"none\"} 7.0");
        assertThat(streamed.split("\n# TYPE cardwatch_delivery_seconds histogram").length)
                .as("each family's header once").isEqualTo(2);
    }

    @Test
    void aRemovedMeterAndItsEmptyFamilyLeave() throws Exception {
        someMeters();
        streamed(name -> true);
        streamed(name -> true); // grouped and written from the meters: the next write must see the changes
        Counter.builder("cardwatch.probe.runs").tags("platform", "new", "probe", "availability", "outcome", "success",
                "reason", "none").register(meters).increment();
        assertThat(streamed(name -> true)).contains("cardwatch_probe_runs_total{outcome=\"success\",platform=\"new\"");
        meters.getMeters().stream().filter(m -> m.getId().getName().equals("cardwatch.delivery"))
                .toList().forEach(meters::remove);
        assertThat(streamed(name -> true)).doesNotContain("cardwatch_delivery").contains("cardwatch_probe_runs_total");
    }

    @Test
    void includedNamesKeepOnlyThoseFamilies() throws Exception {
        someMeters();
        streamed(name -> true);
        String only = streamed(Set.of("cardwatch_probe_last_run_seconds")::contains);
        assertThat(streamed(Set.of("cardwatch_delivery_seconds_max")::contains).lines()
                .filter(l -> !l.startsWith("#"))).as("a timer's max alone").hasSize(50)
                .allMatch(l -> l.startsWith("cardwatch_delivery_seconds_max{"));
        List<String> samples = only.lines().filter(l -> !l.startsWith("#")).toList();
        assertThat(samples).hasSize(50).allMatch(l -> l.startsWith("cardwatch_probe_last_run_seconds{platform="));
    }
}
