package cardwatch.monitor.system;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.NamingConvention;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.prometheusmetrics.PrometheusNamingConvention;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The text of the plain families (counters, gauges and timers with fixed buckets) written straight from their
 * meters, the way the Prometheus library writes them from its snapshots. The library builds a snapshot of each
 * family first, sorting its points by label and checking every name: at 20,000 platforms that was 60 % of a scrape.
 * A family is written here only when every meter in it is of one of these kinds, with the same label names, legal
 * in the classic format, under Micrometer's own Prometheus naming; anything else is left to the library. {@code
 * MetricsScrapeTest} holds this text to the library's, line for line.
 */
final class MeterFamilies {

    private static final Pattern LEGACY_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LEGACY_LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    /** One family's meters: all counters, all gauges or all bucketed timers, with the same labels. */
    static final class Family {
        final String name;
        final Meter.Type type;
        final List<String> rawKeys;
        /** The label names in the order written (the library sorts them), and where each is in a meter's tags. */
        final String[] labels;
        final int[] order;
        final List<Meter> meters = new ArrayList<>();
        boolean plain = true;

        Family(String name, Meter meter, Map<String, String> keys) {
            this.name = name;
            this.type = meter.getId().getType();
            this.rawKeys = new ArrayList<>();
            for (Tag tag : meter.getId().getTagsAsIterable()) {
                rawKeys.add(tag.getKey());
            }
            String[] converted = rawKeys.stream().map(keys::get).toArray(String[]::new);
            Integer[] byName = new Integer[converted.length];
            Arrays.setAll(byName, i -> i);
            Arrays.sort(byName, (a, b) -> converted[a].compareTo(converted[b]));
            this.order = Arrays.stream(byName).mapToInt(Integer::intValue).toArray();
            this.labels = Arrays.stream(order).mapToObj(i -> converted[i]).toArray(String[]::new);
            plain = LEGACY_NAME.matcher(name).matches() && Arrays.stream(labels).allMatch(
                    label -> LEGACY_LABEL.matcher(label).matches() && !label.equals("le") && !label.startsWith("__"))
                    && Set.of(labels).size() == labels.length;
        }

        /** The family names the library gives this family's snapshots. */
        Set<String> snapshotNames() {
            return type == Meter.Type.TIMER ? Set.of(name, name + "_max") : Set.of(name);
        }
    }

    private final MeterRegistry registry;
    private final NamingConvention convention;
    /** Raw tag key to label name; meter name, type and unit to family name: a fleet has few of either. */
    private final Map<String, String> keys = new HashMap<>();
    private final Map<String, List<Object[]>> names = new HashMap<>();

    /** Meters added or removed so far: the families are grouped again only when it moved. */
    private final AtomicLong changes = new AtomicLong();
    private Map<String, Family> grouped;
    private long groupedAt = -1;

    MeterFamilies(MeterRegistry registry) {
        this.registry = registry;
        this.convention = registry.config().namingConvention();
        registry.config().onMeterAdded(meter -> changes.incrementAndGet());
        registry.config().onMeterRemoved(meter -> changes.incrementAndGet());
    }

    MeterRegistry registry() {
        return registry;
    }

    /**
     * The plain families now in the registry by name, or none when its naming is not Micrometer's Prometheus own.
     * Grouped again only after a meter was added or removed; a family's meters are never changed after grouping.
     */
    synchronized Map<String, Family> plainFamilies() {
        if (convention.getClass() != PrometheusNamingConvention.class
                || registry.config().namingConvention() != convention) {
            return Map.of();
        }
        long seen = changes.get();
        if (grouped != null && groupedAt == seen) {
            return grouped;
        }
        Map<String, Family> families = new HashMap<>();
        for (Meter meter : registry.getMeters()) {
            Meter.Id id = meter.getId();
            String name = name(id);
            Family family = families.get(name);
            if (family == null) {
                for (Tag tag : id.getTagsAsIterable()) {
                    keys.computeIfAbsent(tag.getKey(), convention::tagKey);
                }
                family = new Family(name, meter, keys);
                families.put(name, family);
            }
            family.meters.add(meter);
            if (family.plain && !(kindOf(meter) == family.type && sameKeys(id, family.rawKeys))) {
                family.plain = false;
            }
        }
        families.values().removeIf(family -> !family.plain);
        grouped = families;
        groupedAt = seen;
        return families;
    }

    /** The family name of a meter's name, type and unit, worked out once for each. */
    private String name(Meter.Id id) {
        List<Object[]> known = names.computeIfAbsent(id.getName(), k -> new ArrayList<>(1));
        for (Object[] entry : known) {
            if (entry[0] == id.getType() && Objects.equals(entry[1], id.getBaseUnit())) {
                return (String) entry[2];
            }
        }
        String name = convention.name(id.getName(), id.getType(), id.getBaseUnit());
        known.add(new Object[] {id.getType(), id.getBaseUnit(), name});
        return name;
    }

    private static Meter.Type kindOf(Meter meter) {
        Meter.Type type = meter.getId().getType();
        if (type == Meter.Type.COUNTER && meter instanceof Counter) {
            return type;
        }
        if (type == Meter.Type.GAUGE && meter instanceof Gauge && !(meter instanceof TimeGauge)) {
            return type;
        }
        if (type == Meter.Type.TIMER && meter instanceof Timer) {
            return type;
        }
        return null;
    }

    private static boolean sameKeys(Meter.Id id, List<String> rawKeys) {
        int i = 0;
        for (Tag tag : id.getTagsAsIterable()) {
            if (i >= rawKeys.size() || !rawKeys.get(i++).equals(tag.getKey())) {
                return false;
            }
        }
        return i == rawKeys.size();
    }

    /**
     * Writes the family (and, for a timer, its {@code _max} family) whose names {@code included} accepts. A timer
     * family with percentiles or without buckets is not written here: false, and nothing written.
     */
    static boolean write(Family family, Text out, String help, Predicate<String> included) throws IOException {
        switch (family.type) {
            case COUNTER -> {
                if (included.test(family.name)) {
                    String total = family.name.endsWith("_total") ? family.name : family.name + "_total";
                    out.header(total, help, "counter");
                    for (Meter meter : family.meters) {
                        out.ascii(total).labels(family, meter, null).value(((Counter) meter).count());
                    }
                }
                return true;
            }
            case GAUGE -> {
                if (included.test(family.name)) {
                    out.header(family.name, help, "gauge");
                    for (Meter meter : family.meters) {
                        out.ascii(family.name).labels(family, meter, null).value(((Gauge) meter).value());
                    }
                }
                return true;
            }
            default -> {
                return timers(family, out, help, included);
            }
        }
    }

    private static boolean timers(Family family, Text out, String help, Predicate<String> included)
            throws IOException {
        HistogramSnapshot[] snapshots = new HistogramSnapshot[family.meters.size()];
        for (int i = 0; i < snapshots.length; i++) {
            snapshots[i] = ((Timer) family.meters.get(i)).takeSnapshot();
            if (snapshots[i].percentileValues().length > 0 || snapshots[i].histogramCounts().length == 0) {
                return false;
            }
        }
        if (included.test(family.name)) {
            out.header(family.name, help, "histogram");
            for (int i = 0; i < snapshots.length; i++) {
                Meter meter = family.meters.get(i);
                HistogramSnapshot snapshot = snapshots[i];
                for (CountAtBucket bucket : snapshot.histogramCounts()) {
                    out.ascii(family.name).ascii("_bucket").labels(family, meter, bucket.bucket(TimeUnit.SECONDS))
                            .count((long) bucket.count());
                }
                out.ascii(family.name).ascii("_bucket").labels(family, meter, Double.POSITIVE_INFINITY)
                        .count(snapshot.count());
                out.ascii(family.name).ascii("_count").labels(family, meter, null).count(snapshot.count());
                out.ascii(family.name).ascii("_sum").labels(family, meter, null)
                        .value(snapshot.total(TimeUnit.SECONDS));
            }
        }
        String max = family.name + "_max";
        if (included.test(max)) {
            out.header(max, help, "gauge");
            for (int i = 0; i < snapshots.length; i++) {
                out.ascii(max).labels(family, family.meters.get(i), null).value(snapshots[i].max(TimeUnit.SECONDS));
            }
        }
        return true;
    }

    /** The classic text format into a buffer that goes to the stream when full or flushed. */
    static final class Text {
        private final OutputStream out;
        private final byte[] buffer = new byte[64 * 1024];
        private int used;
        private final String[] values = new String[16];

        Text(OutputStream out) {
            this.out = out;
        }

        void header(String name, String help, String type) throws IOException {
            ascii("# HELP ").ascii(name).ascii(" ");
            escaped(help, false);
            ascii("\n# TYPE ").ascii(name).ascii(" ").ascii(type).ascii("\n");
        }

        Text labels(Family family, Meter meter, Double le) throws IOException {
            int n = family.labels.length;
            if (n == 0 && le == null) {
                return this;
            }
            String[] own = n <= values.length ? values : new String[n];
            int i = 0;
            for (Tag tag : meter.getId().getTagsAsIterable()) {
                own[i++] = tag.getValue();
            }
            put('{');
            for (int k = 0; k < n; k++) {
                if (k > 0) {
                    put(',');
                }
                ascii(family.labels[k]).ascii("=\"");
                escaped(own[family.order[k]], true);
                put('"');
            }
            if (le != null) {
                if (n > 0) {
                    put(',');
                }
                ascii("le=\"").ascii(number(le)).put('"');
            }
            put('}');
            return this;
        }

        /** A sample's value as {@link Double#toString} writes it, as the library does; ±Inf as Prometheus spells it. */
        void value(double value) throws IOException {
            put(' ');
            if (value == (long) value && Math.abs(value) < 1e7 && !(value == 0 && 1 / value < 0)) {
                digits((long) value); // what Double.toString writes for a whole number under 10^7, sooner
                ascii(".0");
            } else {
                ascii(number(value));
            }
            put('\n');
        }

        void count(long value) throws IOException {
            put(' ');
            digits(value);
            put('\n');
        }

        private void digits(long value) throws IOException {
            if (used + 20 > buffer.length) {
                flush();
            }
            if (value < 0) {
                ascii(Long.toString(value));
                return;
            }
            int length = 1;
            for (long rest = value / 10; rest > 0; rest /= 10) {
                length++;
            }
            long rest = value;
            for (int i = used + length - 1; i >= used; i--) {
                buffer[i] = (byte) ('0' + rest % 10);
                rest /= 10;
            }
            used += length;
        }

        private static String number(double value) {
            return value == Double.POSITIVE_INFINITY ? "+Inf"
                    : value == Double.NEGATIVE_INFINITY ? "-Inf" : Double.toString(value);
        }

        /**
         * A name, a number or a fixed piece: ASCII, no escaping needed. Copied by the one String method that takes
         * each char's low byte into an array as it is: right for ASCII, and without an array per piece.
         */
        @SuppressWarnings("deprecation")
        Text ascii(String text) throws IOException {
            int length = text.length();
            if (used + length > buffer.length) {
                flush();
                if (length > buffer.length) {
                    out.write(text.getBytes(StandardCharsets.UTF_8));
                    return this;
                }
            }
            text.getBytes(0, length, buffer, used);
            used += length;
            return this;
        }

        /** A label value (backslash, quote and line feed escaped) or a help text (backslash and line feed). */
        private void escaped(String text, boolean quote) throws IOException {
            int length = text.length();
            for (int i = 0; i < length; i++) {
                char c = text.charAt(i);
                if (c == '\\' || c == '\n' || (quote && c == '"') || c >= 0x80) {
                    slow(text, i, quote);
                    return;
                }
            }
            ascii(text);
        }

        private void slow(String text, int from, boolean quote) throws IOException {
            ascii(text.substring(0, from));
            StringBuilder rest = new StringBuilder(text.length() - from + 8);
            for (int i = from; i < text.length(); i++) {
                char c = text.charAt(i);
                switch (c) {
                    case '\\' -> rest.append("\\\\");
                    case '\n' -> rest.append("\\n");
                    case '"' -> rest.append(quote ? "\\\"" : "\"");
                    default -> rest.append(c);
                }
            }
            byte[] bytes = rest.toString().getBytes(StandardCharsets.UTF_8);
            if (used + bytes.length > buffer.length) {
                flush();
            }
            if (bytes.length > buffer.length) {
                out.write(bytes);
            } else {
                System.arraycopy(bytes, 0, buffer, used, bytes.length);
                used += bytes.length;
            }
        }

        private Text put(char c) throws IOException {
            if (used == buffer.length) {
                flush();
            }
            buffer[used++] = (byte) c;
            return this;
        }

        void flush() throws IOException {
            if (used > 0) {
                out.write(buffer, 0, used);
                used = 0;
            }
        }
    }
}
