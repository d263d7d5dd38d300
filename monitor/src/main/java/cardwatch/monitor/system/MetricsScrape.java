package cardwatch.monitor.system;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
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
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /actuator/prometheus}, written one metric family at a time. Actuator's own endpoint takes a snapshot of
 * every series, writes all of it into a byte array and copies that: at 20,000 platforms (about 380,000 series) the
 * three did not fit in a 512 MB heap beside the meters. Here only the family being written is held, and it goes
 * straight to the response; the plain families (counters, gauges, bucketed timers: nearly all of a fleet's series)
 * are written from their meters without a snapshot at all ({@link MeterFamilies}). The format is Prometheus text
 * 0.0.4, which every Prometheus reads whatever it asks for; {@code includedNames} keeps only the named families, as
 * Actuator's endpoint does. Actuator's own endpoint is off
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
        /** Each collector's family names and help, as its first snapshot gave them. */
        private final Map<MultiCollector, Named> named = new ConcurrentHashMap<>();
        private MeterFamilies families;

        /** A collector's first family's name and help, and all its families' names. */
        private record Named(String name, String help, Set<String> names) {
        }

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
            named.remove(collector);
        }

        @Override
        public void clear() {
            super.clear();
            collectors.clear();
            multiCollectors.clear();
            named.clear();
        }

        /**
         * Writes every family whose name {@code included} accepts. The plain families of {@code meters} (see
         * {@link MeterFamilies}) go straight from their meters once a first scrape has named their collector; every
         * other collector's snapshot is taken and written one at a time.
         *
         * @return how many collectors' families went straight from their meters
         */
        public int write(OutputStream out, Predicate<String> included, MeterRegistry meters) throws IOException {
            int plainWritten = 0;
            PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
            Map<String, MeterFamilies.Family> plain = families(meters).plainFamilies();
            MeterFamilies.Text text = new MeterFamilies.Text(out);
            for (MultiCollector collector : multiCollectors) {
                Named known = named.get(collector);
                MeterFamilies.Family family = known == null ? null : plain.get(known.name());
                if (family != null && family.snapshotNames().equals(known.names())
                        && MeterFamilies.write(family, text, known.help(), included)) {
                    plainWritten++;
                    continue;
                }
                text.flush();
                MetricSnapshots snapshots = collector.collect();
                if (snapshots.size() > 0 && !named.containsKey(collector)) {
                    MetricSnapshot first = snapshots.get(0);
                    named.put(collector, new Named(first.getMetadata().getPrometheusName(),
                            first.getMetadata().getHelp(), snapshots.stream()
                                    .map(s -> s.getMetadata().getPrometheusName()).collect(Collectors.toSet())));
                }
                writeFamilies(writer, out, snapshots, included);
            }
            text.flush();
            for (Collector collector : collectors) {
                MetricSnapshot snapshot = collector.collect();
                if (snapshot != null) {
                    writeFamilies(writer, out, MetricSnapshots.of(snapshot), included);
                }
            }
            return plainWritten;
        }

        private synchronized MeterFamilies families(MeterRegistry meters) {
            if (families == null || families.registry() != meters) {
                families = new MeterFamilies(meters);
            }
            return families;
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
        private final PrometheusMeterRegistry meters;

        Endpoint(FamilyRegistry registry, PrometheusMeterRegistry meters) {
            this.registry = registry;
            this.meters = meters;
        }

        @GetMapping("${management.endpoints.web.base-path:/actuator}/prometheus")
        void scrape(@RequestParam(required = false) Set<String> includedNames, HttpServletResponse response)
                throws IOException {
            response.setContentType(PrometheusTextFormatWriter.CONTENT_TYPE);
            Predicate<String> included = includedNames == null || includedNames.isEmpty() ? name -> true
                    : includedNames::contains;
            try (OutputStream out = response.getOutputStream()) {
                registry.write(out, included, meters);
            }
        }
    }
}
