package cardwatch.monitor.system;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /actuator/prometheus}, written one metric family at a time. Actuator's own endpoint takes a snapshot of
 * every series, writes all of it into a byte array and copies that: at 20,000 platforms (about 380,000 series) the
 * three did not fit in a 512 MB heap beside the meters. Here only the family being written is held, and it goes
 * straight to the response. The format is Prometheus text 0.0.4, which every Prometheus reads whatever it asks for;
 * {@code includedNames} keeps only the named families, as Actuator's endpoint does. Actuator's own endpoint is off
 * ({@code management.endpoint.prometheus.access: none}).
 */
@Configuration(proxyBeanMethods = false)
public class MetricsScrape {

    /**
     * A Prometheus registry that can hand out its collectors one by one. Micrometer registers one collector per
     * meter name; registering and removing go to the library's registry as ever, so its name checks and its own
     * {@code scrape()} still hold.
     */
    public static class FamilyRegistry extends PrometheusRegistry {

        private final List<Collector> collectors = new CopyOnWriteArrayList<>();
        private final List<MultiCollector> multiCollectors = new CopyOnWriteArrayList<>();

        @Override
        public void register(Collector collector) {
            super.register(collector);
            collectors.add(collector);
        }

        @Override
        public void register(MultiCollector collector) {
            super.register(collector);
            multiCollectors.add(collector);
        }

        @Override
        public void unregister(Collector collector) {
            super.unregister(collector);
            collectors.remove(collector);
        }

        @Override
        public void unregister(MultiCollector collector) {
            super.unregister(collector);
            multiCollectors.remove(collector);
        }

        @Override
        public void clear() {
            super.clear();
            collectors.clear();
            multiCollectors.clear();
        }

        /** Writes every family whose name {@code included} accepts, one collector's snapshot at a time. */
        public void write(OutputStream out, Predicate<String> included) throws IOException {
            PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
            for (MultiCollector collector : multiCollectors) {
                writeFamilies(writer, out, collector.collect(), included);
            }
            for (Collector collector : collectors) {
                MetricSnapshot snapshot = collector.collect();
                if (snapshot != null) {
                    writeFamilies(writer, out, MetricSnapshots.of(snapshot), included);
                }
            }
        }

        private static void writeFamilies(PrometheusTextFormatWriter writer, OutputStream out,
                MetricSnapshots snapshots, Predicate<String> included) throws IOException {
            MetricSnapshots.Builder kept = MetricSnapshots.builder();
            boolean any = false;
            for (MetricSnapshot snapshot : snapshots) {
                if (included.test(snapshot.getMetadata().getPrometheusName())) {
                    kept.metricSnapshot(snapshot);
                    any = true;
                }
            }
            if (any) {
                writer.write(out, kept.build());
            }
        }
    }

    @Bean
    FamilyRegistry prometheusRegistry() {
        return new FamilyRegistry();
    }

    @RestController
    static class Endpoint {

        private final FamilyRegistry registry;

        Endpoint(FamilyRegistry registry) {
            this.registry = registry;
        }

        @GetMapping("${management.endpoints.web.base-path:/actuator}/prometheus")
        void scrape(@RequestParam(required = false) Set<String> includedNames, HttpServletResponse response)
                throws IOException {
            response.setContentType(PrometheusTextFormatWriter.CONTENT_TYPE);
            Predicate<String> included = includedNames == null || includedNames.isEmpty() ? name -> true
                    : includedNames::contains;
            try (OutputStream out = response.getOutputStream()) {
                registry.write(out, included);
            }
        }
    }
}
