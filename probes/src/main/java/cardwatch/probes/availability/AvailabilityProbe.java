package cardwatch.probes.availability;

import cardwatch.probes.Evidence;
import cardwatch.probes.Flag;
import cardwatch.probes.Outcome;
import cardwatch.probes.PlatformSettings;
import cardwatch.probes.Probe;
import cardwatch.probes.ProbeContext;
import cardwatch.probes.ProbeResult;
import cardwatch.probes.Reason;
import cardwatch.probes.http.HttpTransport;
import cardwatch.probes.http.TransportException;
import cardwatch.probes.purchase.Transports;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Does the platform answer? Each configured URL (the storefront first, then API endpoints) is fetched with the
 * phase timings (dns, connect, tls, first_byte, transfer) that the HTTP client's connection events give, the
 * status and the configured keyword are checked, and the storefront's TLS certificate expiry is kept. Redirects
 * are followed only within the platform's own domains. A size cap and timeouts apply, as to every request.
 *
 * <p>A check that fails is tried once more at once, on a new connection, like a buyer who reloads the page: a single
 * dropped packet or one bad answer is a blip, not a failed check. Both tries are kept ({@link Flag#RETRIED}) and both
 * count as evidence for incidents: a storefront that fails one request in two is caught by its failure rate even when
 * its retries succeed.
 */
public final class AvailabilityProbe implements Probe {

    public static final String KIND = "availability";

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public ProbeResult run(PlatformSettings platform, ProbeContext context) {
        ProbeResult first = check(platform, context);
        if (first.outcome() != Outcome.FAILURE) {
            return first;
        }
        ProbeResult second = check(platform, context);
        String evidence = second.outcome() == Outcome.SUCCESS
                ? "the first try failed (" + first.reason().label() + ": " + first.evidence()
                        + "); a second at once succeeded: " + second.evidence()
                : second.evidence() + "; tried twice, the first: " + first.reason().label();
        return new ProbeResult(second.outcome(), second.reason(), Set.of(Flag.RETRIED), second.phases(), null, null,
                null, Evidence.of(evidence, List.of()), second.certificateExpiry());
    }

    private ProbeResult check(PlatformSettings platform, ProbeContext context) {
        AvailabilitySpec spec = platform.options().get(AvailabilitySpec.OPTION) instanceof AvailabilitySpec s ? s
                : new AvailabilitySpec(List.of(platform.baseUrl()), null, null, Set.of(platform.baseUrl().getHost()));
        Map<String, Duration> phases = new LinkedHashMap<>();
        Instant expiry = null;
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < spec.urls().size(); i++) {
            URI url = spec.urls().get(i);
            boolean storefront = i == 0;
            HttpTransport.Timed timed;
            try {
                timed = context.http().timedGet(url, spec.domains());
            } catch (TransportException e) {
                return result(Transports.reason(e), phases, expiry, seen, url + ": " + e.getMessage());
            }
            if (storefront) {
                phases.putAll(timed.phases());
                expiry = timed.certificateNotAfter();
            }
            if (timed.certificateNotAfter() != null && timed.certificateNotAfter().isBefore(context.clock().instant())) {
                return result(Reason.TLS_FAILED, phases, expiry, seen, url + ": the TLS certificate expired at "
                        + timed.certificateNotAfter());
            }
            int status = timed.answer().status();
            if (status >= 400) {
                return result(Reason.HTTP_ERROR, phases, expiry, seen, url + ": HTTP " + status);
            }
            if (storefront && spec.keyword() != null && !timed.answer().body().contains(spec.keyword())) {
                return result(Reason.PROTOCOL_ERROR, phases, expiry, seen, url + ": HTTP " + status
                        + " without the keyword '" + spec.keyword() + "'");
            }
            if (storefront && spec.absent() != null && timed.answer().body().contains(spec.absent())) {
                return result(Reason.PROTOCOL_ERROR, phases, expiry, seen, url + ": HTTP " + status + " shows '"
                        + spec.absent() + "'");
            }
            long millis = timed.phases().values().stream().mapToLong(Duration::toMillis).sum();
            seen.add(url.getPath() + " " + status + " in " + millis + " ms");
        }
        return new ProbeResult(Outcome.SUCCESS, Reason.NONE, Set.of(), phases, null, null, null,
                Evidence.of(String.join("; ", seen), List.of()), expiry);
    }

    private static ProbeResult result(Reason reason, Map<String, Duration> phases, Instant expiry,
            List<String> seen, String problem) {
        List<String> all = new ArrayList<>(seen);
        all.add(problem);
        return new ProbeResult(reason.outcome(), reason, Set.of(), phases, null, null, null,
                Evidence.of(String.join("; ", all), List.of()), expiry);
    }
}
