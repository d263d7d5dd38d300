package cardwatch.probes.purchase;

import cardwatch.probes.Flag;
import cardwatch.probes.ProbeResult;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.json.JsonMapper;

/**
 * Where a purchase run stands between two of its steps: everything a process needs to go on with it, so it is kept
 * in the run's row and any start (any node) continues the run from there. It never holds a card code or a
 * credential; the verdict it may hold has its evidence redacted already.
 *
 * @param phase             {@link Phase#CONFIRM} (waiting for the final state) or {@link Phase#NOTIFY} (the final
 *                          state came by query; waiting for the platform's notify)
 * @param submitStart       when the order was about to leave: the deadlines count from here
 * @param confirmStart      when confirming began
 * @param attempt           the query backoff's step
 * @param held              the platform is known to hold the order (money may have gone)
 * @param resumed           the run was taken over after an interruption: notifies sent meanwhile were lost, so a
 *                          missing notify is not judged
 * @param platformOrderNo   the platform's order number, once known
 * @param amount            what the platform took, once known
 * @param receipt           the platform's words when it took the order
 * @param last              the last non-final status seen (without any code)
 * @param lastFailure       the last query that got no usable answer, while no later one did
 * @param lastQueryFailure  the same, for the resume's "could not be asked" verdict
 * @param unknown           set when the submit got no usable answer
 * @param flags             qualifiers so far
 * @param phases            phase timings so far
 * @param conflict          what a notify and the query disagreed about
 * @param note              how the run came to follow an order it did not place
 * @param verdict           in {@link Phase#NOTIFY}: the verdict reached by query, final but for the notify flags
 * @param queried           in {@link Phase#NOTIFY}: the final state the query told
 * @param queriedText       in {@link Phase#NOTIFY}: the query's state in words, for a conflict's evidence
 */
public record PurchaseState(Phase phase, Instant submitStart, Instant confirmStart, int attempt, boolean held,
        boolean resumed, String platformOrderNo, BigDecimal amount, String receipt, OrderStatus last,
        QueryAnswer.Failed lastFailure, QueryAnswer.Failed lastQueryFailure, SubmitAnswer.Unknown unknown,
        Set<Flag> flags, Map<String, Duration> phases, String conflict, String note, ProbeResult verdict,
        OrderStatus.State queried, String queriedText) {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** The two waits of a purchase. */
    public enum Phase {
        /** Until a final state arrives by notify or query, or the confirm deadline passes. */
        CONFIRM,
        /** The final state came by query: until the notify arrives or its deadline passes. */
        NOTIFY
    }

    public PurchaseState {
        flags = flags == null ? Set.of() : Set.copyOf(flags);
        phases = phases == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(phases));
        last = last == null ? null
                : new OrderStatus(last.state(), last.platformOrderNo(), null, last.statusText(), last.amount(),
                        last.paidEvidence());
    }

    /** The state as a process that takes the run over finds it: notifies sent meanwhile were lost. */
    public PurchaseState adopted() {
        return new PurchaseState(phase, submitStart, confirmStart, attempt, held, true, platformOrderNo, amount,
                receipt, last, lastFailure, lastQueryFailure, unknown, flags, phases, conflict, note, verdict, queried,
                queriedText);
    }

    /** The state as text, for the run's row. */
    public String json() {
        return JSON.writeValueAsString(this);
    }

    /** A state written by {@link #json()}. */
    public static PurchaseState parse(String json) {
        return JSON.readValue(json, PurchaseState.class);
    }
}
