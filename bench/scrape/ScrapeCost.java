import cardwatch.monitor.system.MetricsScrape;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The scrape's own CPU at N platforms, away from any load: one registry shaped like the monitor's per-platform
 * meters (two run counters, a delivery histogram with four buckets, three last-run gauges, score, grade and incident
 * gauges), written by the monitor's endpoint writer and by Micrometer's own {@code scrape()}, in turns, in one JVM,
 * after checking that both write the same lines.
 */
public class ScrapeCost {

    public static void main(String[] args) throws Exception {
        int platforms = Integer.parseInt(args.length > 0 ? args[0] : "20000");
        int rounds = Integer.parseInt(args.length > 1 ? args[1] : "8");
        MetricsScrape.FamilyRegistry families = new MetricsScrape.FamilyRegistry();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT, families,
                Clock.SYSTEM);
        Duration[] buckets = {Duration.ofSeconds(30), Duration.ofSeconds(120), Duration.ofSeconds(300),
                Duration.ofSeconds(600)};
        for (int i = 0; i < platforms; i++) {
            String p = "platform-" + i;
            for (String probe : new String[] {"availability", "purchase"}) {
                Counter.builder("cardwatch.probe.runs").tags("platform", p, "probe", probe, "outcome", "success",
                        "reason", "none").register(registry).increment(i % 7);
            }
            Timer.builder("cardwatch.purchase.delivery").serviceLevelObjectives(buckets).tags("platform", p)
                    .register(registry).record(Duration.ofSeconds(i % 400));
            for (String probe : new String[] {"availability", "purchase", "icp"}) {
                AtomicLong at = new AtomicLong(1_780_000_000L + i);
                Gauge.builder("cardwatch.probe.last.run.timestamp", at, AtomicLong::get).baseUnit("seconds")
                        .tags("platform", p, "probe", probe).strongReference(true).register(registry);
            }
            double score = (i % 100) / 100.0;
            Gauge.builder("cardwatch.trust.score", () -> score).tags("platform", p).register(registry);
            Gauge.builder("cardwatch.trust.grade", () -> 1).tags("platform", p, "grade", "A").register(registry);
            Gauge.builder("cardwatch.incident.open", () -> 0).tags("platform", p).register(registry);
        }
        families.write(OutputStream.nullOutputStream(), name -> true, registry); // names the collectors
        ByteArrayOutputStream sample = new ByteArrayOutputStream();
        families.write(sample, name -> true, registry);
        String text = sample.toString(java.nio.charset.StandardCharsets.UTF_8);
        if (!text.lines().sorted().toList().equals(registry.scrape().lines().sorted().toList())) {
            throw new IllegalStateException("the endpoint's text differs from Micrometer's");
        }
        long series = text.lines().filter(line -> !line.startsWith("#")).count();
        System.out.printf("%d platforms: %d series, %d bytes%n", platforms, series, sample.size());
        double ours = 0;
        double theirs = 0;
        for (int round = 0; round < rounds; round++) {
            long start = System.nanoTime();
            families.write(OutputStream.nullOutputStream(), name -> true, registry);
            long middle = System.nanoTime();
            int length = registry.scrape().length();
            long end = System.nanoTime();
            if (round >= rounds / 2) { // the first half warms up
                ours += (middle - start) / 1e9;
                theirs += (end - middle) / 1e9;
            }
            System.out.printf("round %d: endpoint writer %.3f s, Micrometer scrape() %.3f s (%d chars)%n", round,
                    (middle - start) / 1e9, (end - middle) / 1e9, length);
        }
        int measured = rounds - rounds / 2;
        System.out.printf("mean of the last %d: endpoint writer %.3f s, Micrometer scrape() %.3f s, ratio %.2f%n",
                measured, ours / measured, theirs / measured, ours / theirs);
    }
}
