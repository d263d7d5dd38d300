package cardwatch.probes.reviews;

import cardwatch.probes.http.HttpTransport;
import cardwatch.probes.http.TransportException;
import cardwatch.probes.icp.PageText;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.resilience4j.core.IntervalFunction;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Fetches pages the way a polite crawler does: it honours robots.txt (the rules for {@code *} and for Cardwatch),
 * keeps a minimum spacing between requests to one host, backs off on 429 and 503 (Retry-After when given, else
 * exponentially, a bounded number of times), and decodes pages in their charset, GBK that declares nothing included.
 * The transport's User-Agent names Cardwatch and its contact URL; its size cap and timeouts apply.
 */
public final class PoliteFetcher {

    /**
     * @param perHost     the least time between two requests to one host
     * @param retries     tries after a 429 or 503
     * @param maxBackoff  the longest wait before a retry
     */
    public record Limits(Duration perHost, int retries, Duration maxBackoff) {
    }

    /** A page fetched: its status and text. */
    public record Page(URI url, int status, String text) {
    }

    /** The fetch was not allowed (robots.txt) or gave up after backing off. */
    public static final class Refused extends Exception {
        public Refused(String message) {
            super(message);
        }
    }

    private final HttpTransport http;
    private final Limits limits;
    private final Map<String, Long> lastRequest = new ConcurrentHashMap<>();
    private final Cache<String, List<String>> robots = Caffeine.newBuilder().maximumSize(1_000)
            .expireAfterWrite(Duration.ofHours(6)).build();

    public PoliteFetcher(HttpTransport http, Limits limits) {
        this.http = http;
        this.limits = limits;
    }

    public Page get(URI url) throws Refused, TransportException, InterruptedException {
        if (!allowed(url)) {
            throw new Refused("robots.txt of " + url.getHost() + " forbids " + url.getPath());
        }
        IntervalFunction backoff = IntervalFunction.ofExponentialBackoff(Duration.ofSeconds(1), 2.0,
                limits.maxBackoff());
        for (int attempt = 1; ; attempt++) {
            space(url);
            HttpTransport.Raw raw = http.getBytes(url);
            if (raw.status() != 429 && raw.status() != 503) {
                return new Page(url, raw.status(), PageText.decode(raw.body(), raw.contentType()));
            }
            if (attempt > limits.retries()) {
                throw new Refused(url + ": still HTTP " + raw.status() + " after " + limits.retries() + " retries");
            }
            Thread.sleep(Math.min(backoff.apply(attempt), limits.maxBackoff().toMillis()));
        }
    }

    /** Waits until the host's spacing has passed since the last request to it. */
    private void space(URI url) throws InterruptedException {
        String host = url.getHost() + ":" + url.getPort();
        long spacing = limits.perHost().toNanos();
        while (true) {
            long now = System.nanoTime();
            Long last = lastRequest.get(host);
            if (last == null || now - last >= spacing) {
                if (last == null ? lastRequest.putIfAbsent(host, now) == null : lastRequest.replace(host, last, now)) {
                    return;
                }
                continue;
            }
            Thread.sleep(Math.max(1, (spacing - (now - last)) / 1_000_000));
        }
    }

    private boolean allowed(URI url) throws InterruptedException {
        String origin = url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort());
        List<String> disallowed = robots.getIfPresent(origin);
        if (disallowed == null) {
            disallowed = List.of();
            try {
                URI robotsUrl = URI.create(origin + "/robots.txt");
                space(robotsUrl);
                HttpTransport.Raw raw = http.getBytes(robotsUrl);
                if (raw.status() == 200) {
                    disallowed = parse(PageText.decode(raw.body(), raw.contentType()));
                }
            } catch (TransportException e) {
                disallowed = List.of();
            }
            robots.put(origin, disallowed);
        }
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        return disallowed.stream().noneMatch(path::startsWith);
    }

    /** The Disallow prefixes for {@code *} and for Cardwatch. */
    static List<String> parse(String text) {
        List<String> disallowed = new ArrayList<>();
        boolean applies = false;
        for (String raw : text.split("\n")) {
            String line = raw.replaceAll("#.*", "").strip();
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String field = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).strip();
            if (field.equals("user-agent")) {
                applies = value.equals("*") || value.toLowerCase(Locale.ROOT).contains("cardwatch");
            } else if (field.equals("disallow") && applies && !value.isEmpty()) {
                disallowed.add(value);
            }
        }
        return disallowed;
    }
}
