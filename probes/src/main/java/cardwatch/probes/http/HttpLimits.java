package cardwatch.probes.http;

import java.time.Duration;

/**
 * Bounds on every request a probe makes.
 *
 * @param connectTimeout  TCP (and TLS) connect
 * @param readTimeout     between bytes of the answer
 * @param callTimeout     the whole call, redirects included
 * @param maxBodyBytes    answers longer than this are cut off and classified, never buffered whole
 * @param maxRedirects    redirects followed within the same host; another host is never followed
 */
public record HttpLimits(Duration connectTimeout, Duration readTimeout, Duration callTimeout, long maxBodyBytes,
        int maxRedirects) {

    public static HttpLimits defaults() {
        return new HttpLimits(Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(20), 256 * 1024, 3);
    }
}
