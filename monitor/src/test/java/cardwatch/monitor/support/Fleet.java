package cardwatch.monitor.support;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** For tests that run the service as a child process on a fleet of their own: its platforms file, its metrics. */
public final class Fleet {

    private Fleet() {
    }

    /** A yrapi platform that only buys, on its own simulator account ({@code file:key}), every {@code every}. */
    public static String buyer(String id, String baseUrl, String every, String deadlines) {
        return """
                  - id: %s
                    names: { zh: %s, en: %s }
                    base-url: %s
                    protocol: yrapi
                    merchant-id: "10001"
                    credentials: { api-key: "file:key" }
                    product: { id: "1001", face-value: 1.00, price-cap: 1.00 }
                    account: "18866667777"
                    budget: { daily: 1000.00 }
                    schedule: { purchase: { every: %s, jitter: 0s } }
                    deadlines: %s
                """.formatted(id, id, id, baseUrl, every, deadlines);
    }

    /**
     * A platform whose storefront at {@code url} is checked for 在线 every {@code every} (its purchases keep the
     * default schedule, against a page that is no shop).
     */
    public static String storefront(String id, String url, String every) {
        return """
                  - id: %s
                    names: { zh: %s, en: %s }
                    base-url: %s
                    protocol: yrapi
                    merchant-id: "10001"
                    credentials: { api-key: "file:key" }
                    product: { id: "1001", face-value: 1.00, price-cap: 1.00 }
                    account: "18866667777"
                    availability: { urls: ["%s"], keyword: 在线 }
                    schedule: { availability: { every: %s, jitter: 0s } }
                """.formatted(id, id, id, url, url, every);
    }

    /** The sum of a metric's samples in a Prometheus exposition whose labels contain {@code labels}. */
    public static double sum(String exposition, String metric, String labels) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(metric) + "(\\{[^}]*\\})? ([0-9.eE+-]+)$")
                .matcher(exposition);
        double total = 0;
        while (m.find()) {
            if (m.group(1) == null ? labels.isEmpty() : m.group(1).contains(labels)) {
                total += Double.parseDouble(m.group(2));
            }
        }
        return total;
    }
}
