package cardwatch.probes;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What one probe run found: data only. The service's recorder turns it into a row and meters.
 *
 * @param outcome          success, failure (the platform's fault) or error (ours)
 * @param reason           why, from a bounded set; {@link Reason#NONE} on success
 * @param flags            qualifiers such as {@link Flag#NOTIFY_MISSING}
 * @param phases           time spent per phase, in the order the phases ran
 * @param delivery         order submitted to card code delivered; {@code null} unless delivered
 * @param platformOrderNo  the platform's order number, when it gave one
 * @param amountCharged    what the platform took for the order (yuan), when known
 * @param evidence         the platform's own words, truncated and with secrets redacted
 * @param certificateExpiry when the platform's TLS certificate expires, when a probe saw one
 * @param facts            what a probe found beyond the verdict, by name (the ICP probe's status and record)
 */
public record ProbeResult(Outcome outcome, Reason reason, Set<Flag> flags, Map<String, Duration> phases,
        Duration delivery, String platformOrderNo, BigDecimal amountCharged, String evidence,
        java.time.Instant certificateExpiry, Map<String, String> facts) {

    public ProbeResult(Outcome outcome, Reason reason, Set<Flag> flags, Map<String, Duration> phases,
            Duration delivery, String platformOrderNo, BigDecimal amountCharged, String evidence) {
        this(outcome, reason, flags, phases, delivery, platformOrderNo, amountCharged, evidence, null, Map.of());
    }

    public ProbeResult(Outcome outcome, Reason reason, Set<Flag> flags, Map<String, Duration> phases,
            Duration delivery, String platformOrderNo, BigDecimal amountCharged, String evidence,
            java.time.Instant certificateExpiry) {
        this(outcome, reason, flags, phases, delivery, platformOrderNo, amountCharged, evidence, certificateExpiry,
                Map.of());
    }

    public ProbeResult {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(reason, "reason");
        if (reason.outcome() != outcome) {
            throw new IllegalArgumentException("reason " + reason.label() + " does not belong to outcome "
                    + outcome.label());
        }
        flags = flags.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(flags));
        phases = Collections.unmodifiableMap(new LinkedHashMap<>(phases));
        evidence = evidence == null ? "" : evidence;
        facts = facts == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(facts));
    }

    /** A run that ended on our side before the platform could be judged. */
    public static ProbeResult error(Reason reason, String evidence) {
        return new ProbeResult(Outcome.ERROR, reason, Set.of(), Map.of(), null, null, null, evidence);
    }
}
