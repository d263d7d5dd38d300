package cardwatch.probes.purchase;

import cardwatch.probes.Evidence;
import cardwatch.probes.Flag;
import cardwatch.probes.Outcome;
import cardwatch.probes.PlatformSettings;
import cardwatch.probes.Probe;
import cardwatch.probes.ProbeContext;
import cardwatch.probes.ProbeResult;
import cardwatch.probes.Reason;
import io.github.resilience4j.core.IntervalFunction;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The scheduled small test purchase: {@code order} (submit once), {@code confirm} (until a final state arrives
 * by notify or by query, whichever is first; queries back off), {@code deliver} (the card code is present and
 * well formed). The order is submitted at most once per run: an answer that leaves its existence unknown is
 * followed by queries, never by a second submit.
 */
public final class PurchaseProbe implements Probe {

    public static final String KIND = "purchase";
    public static final String PHASE_ORDER = "order";
    public static final String PHASE_CONFIRM = "confirm";
    public static final String PHASE_DELIVER = "deliver";

    private final Map<String, PurchaseProtocol> protocols;

    public PurchaseProbe(Map<String, PurchaseProtocol> protocols) {
        this.protocols = Map.copyOf(protocols);
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public ProbeResult run(PlatformSettings platform, ProbeContext context) throws InterruptedException {
        PurchaseProtocol protocol = protocols.get(platform.protocol());
        if (protocol == null) {
            return ProbeResult.error(Reason.CONFIG, "no purchase protocol named '" + platform.protocol() + "'");
        }
        if (platform.purchase() == null) {
            return ProbeResult.error(Reason.CONFIG, "platform has no product to buy");
        }
        for (String name : protocol.requiredCredentials(platform.payer() == null ? null : platform.payer().kind())) {
            if (platform.credentials().get(name).isEmpty()) {
                return ProbeResult.error(Reason.CREDENTIALS, "credential '" + name + "' is not set");
            }
        }
        context.notifications().open(context.clientOrderId());
        try {
            return new Run(platform, context, protocol).execute();
        } finally {
            context.notifications().close(context.clientOrderId());
        }
    }

    /**
     * Finishes a run that was interrupted (a crash, a restart) without ever submitting again: the order is looked
     * up by its client order id and followed to its end, or found never to have been placed.
     *
     * @param submitStart  when the interrupted run was about to submit: the deadlines count from there
     * @return the verdict, or an unresolved answer when the platform could not be asked
     */
    public Resumption resume(PlatformSettings platform, ProbeContext context, Instant submitStart)
            throws InterruptedException {
        PurchaseProtocol protocol = protocols.get(platform.protocol());
        if (protocol == null || platform.purchase() == null) {
            return new Resumption(null, "platform has no purchase protocol or product any more");
        }
        for (String name : protocol.requiredCredentials(platform.payer() == null ? null : platform.payer().kind())) {
            if (platform.credentials().get(name).isEmpty()) {
                return new Resumption(null, "credential '" + name + "' is not set");
            }
        }
        context.notifications().open(context.clientOrderId());
        try {
            return new Run(platform, context, protocol).resume(submitStart);
        } finally {
            context.notifications().close(context.clientOrderId());
        }
    }

    /**
     * What resuming an interrupted run found.
     *
     * @param result      the verdict; {@code null} when the platform could not be asked
     * @param unresolved  why there is no verdict yet
     */
    public record Resumption(ProbeResult result, String unresolved) {
    }

    /** One run's state: the timings, what was seen and the verdict. */
    private static final class Run {
        private final PlatformSettings platform;
        private final ProbeContext context;
        private final PurchaseProtocol protocol;
        private final PurchaseSpec spec;
        private final Map<String, Duration> phases = new LinkedHashMap<>();
        private final Set<Flag> flags = EnumSet.noneOf(Flag.class);
        private String platformOrderNo;
        private BigDecimal amount;
        private Instant submitStart;
        private boolean resumed;
        private boolean held;
        /** The platform's words when it took the order: for a storefront, the payment receipt. */
        private String receipt = "";

        Run(PlatformSettings platform, ProbeContext context, PurchaseProtocol protocol) {
            this.platform = platform;
            this.context = context;
            this.protocol = protocol;
            this.spec = platform.purchase();
        }

        ProbeResult execute() throws InterruptedException {
            if (!protocol.spendsMoney(platform)) {
                flags.add(Flag.CHECKOUT_ONLY);
            }
            submitStart = now();
            SubmitAnswer answer = protocol.submit(platform, context);
            Instant submitEnd = now();
            phases.put(PHASE_ORDER, Duration.between(submitStart, submitEnd));
            if (answer instanceof SubmitAnswer.Refused refused) {
                if (RefusalClassifier.isDuplicate(refused.message())) {
                    note = "the platform refused our order id as one it holds already (" + refused.message()
                            + "), so the run followed that order and placed none";
                    return confirm(submitEnd, new SubmitAnswer.Unknown(Reason.INTERNAL,
                            "the platform says an order with our id " + context.clientOrderId() + " exists already: "
                                    + refused.message(), true));
                }
                return result(RefusalClassifier.classify(refused.message()), refused.message());
            }
            if (answer instanceof SubmitAnswer.CheckedOut checkedOut) {
                platformOrderNo = checkedOut.platformOrderNo();
                flags.add(Flag.CHECKOUT_ONLY);
                return new ProbeResult(Outcome.SUCCESS, Reason.NONE, flags, phases, null, platformOrderNo, null,
                        evidence(checkedOut.text()));
            }
            if (answer instanceof SubmitAnswer.Accepted accepted) {
                platformOrderNo = accepted.platformOrderNo();
                amount = accepted.amount();
                receipt = accepted.text() == null ? "" : accepted.text();
                held = true;
                context.journal().accepted(platformOrderNo, amount, "answer");
                if (accepted.status() != null && accepted.status().state().isFinal()) {
                    remember(accepted.status());
                    phases.put(PHASE_CONFIRM, Duration.ZERO);
                    return deliver(accepted.status(), submitEnd);
                }
                return confirm(submitEnd, null);
            }
            SubmitAnswer.Unknown unknown = (SubmitAnswer.Unknown) answer;
            return unknown.maybeArrived() ? confirm(submitEnd, unknown) : result(unknown.reason(), unknown.evidence());
        }

        Resumption resume(Instant interruptedSubmit) throws InterruptedException {
            submitStart = interruptedSubmit;
            if (!protocol.spendsMoney(platform)) {
                return new Resumption(result(Reason.INTERNAL, "the checkout was interrupted; a checkout pays nothing, "
                        + "so there is nothing to follow"), null);
            }
            resumed = true;
            SubmitAnswer.Unknown unknown = new SubmitAnswer.Unknown(Reason.INTERNAL,
                    "the run was interrupted before the platform took an order", true);
            ProbeResult result = confirm(now(), unknown);
            if (!held && lastQueryFailure != null) {
                return new Resumption(null, lastQueryFailure.evidence());
            }
            return new Resumption(result, null);
        }

        /** The last query that got no usable answer, while no later one did. */
        private QueryAnswer.Failed lastQueryFailure;

        /**
         * Waits for the final state. {@code unknown} is set when the submit got no usable answer: then a proper
         * "no such order" ends the run with the submit's reason, and a malformed answer stays protocol_error
         * whatever the state.
         */
        private ProbeResult confirm(Instant confirmStart, SubmitAnswer.Unknown unknown) throws InterruptedException {
            Instant deadline = submitStart.plus(spec.confirmDeadline());
            Instant notifyDeadline = submitStart.plus(spec.notifyDeadline());
            IntervalFunction backoff = IntervalFunction.ofExponentialBackoff(spec.pollInitial(), 1.5,
                    spec.pollMax());
            int attempt = 1;
            OrderStatus last = null;
            QueryAnswer.Failed lastFailure = null;
            boolean viaQuery = false;
            OrderStatus finalStatus = null;
            boolean askAtOnce = resumed;
            while (finalStatus == null) {
                Duration left = Duration.between(now(), deadline);
                if ((left.isNegative() || left.isZero()) && !askAtOnce) {
                    break;
                }
                if (!askAtOnce) {
                    Duration wait = min(Duration.ofMillis(backoff.apply(attempt)), left);
                    Optional<Notify> notify = context.notifications().await(context.clientOrderId(), wait);
                    if (notify.isPresent() && notify.get().signatureValid()) {
                        holding(notify.get().status(), "notify");
                        if (notify.get().status().state().isFinal()) {
                            finalStatus = confirmedByQuery(notify.get().status());
                            break;
                        }
                        last = notify.get().status();
                    }
                }
                askAtOnce = false;
                QueryAnswer query = protocol.query(platform, context);
                if (query instanceof QueryAnswer.Deferred) {
                    attempt++;
                    continue;
                }
                lastQueryFailure = query instanceof QueryAnswer.Failed failed ? failed : null;
                if (query instanceof QueryAnswer.Found found) {
                    holding(found.status(), "query");
                    last = found.status();
                    lastFailure = null;
                    if (found.status().state().isFinal()) {
                        finalStatus = found.status();
                        viaQuery = true;
                    }
                } else if (query instanceof QueryAnswer.NotFound notFound) {
                    if (unknown != null && last == null) {
                        return result(unknown.reason(), unknown.evidence() + "; query: no such order");
                    }
                    lastFailure = new QueryAnswer.Failed(Reason.PROTOCOL_ERROR,
                            "the platform took the order, then its query says there is no such order: "
                                    + notFound.text());
                } else {
                    lastFailure = (QueryAnswer.Failed) query;
                }
                if (finalStatus == null) {
                    context.journal().confirming(attempt);
                }
                attempt++;
            }
            Instant confirmed = now();
            if (finalStatus == null) {
                phases.put(PHASE_CONFIRM, Duration.between(confirmStart, confirmed));
                return unconfirmed(last, lastFailure, unknown);
            }
            phases.put(PHASE_CONFIRM, Duration.between(confirmStart, confirmed));
            remember(finalStatus);
            if (viaQuery && !resumed && protocol.notifies()) {
                awaitNotify(notifyDeadline, finalStatus);
            }
            if (unknown != null && unknown.reason() == Reason.PROTOCOL_ERROR) {
                return broken(unknown.evidence() + "; order state " + finalStatus.state().name().toLowerCase(),
                        finalStatus, confirmed);
            }
            return deliver(finalStatus, confirmed);
        }

        /**
         * A protocol_error on an order that reached its final state: when that state delivered a code, the delivery
         * is kept (the goods arrived; no refund is owed), though the run is still the platform's failure.
         */
        private ProbeResult broken(String evidence, OrderStatus status, Instant confirmed) {
            String code = status.code() == null ? "" : status.code().strip();
            boolean delivered = status.state() == OrderStatus.State.SUCCESS && spec.codePattern().matcher(code).matches();
            return new ProbeResult(Outcome.FAILURE, Reason.PROTOCOL_ERROR, flags, phases,
                    delivered ? Duration.between(submitStart, confirmed) : null, platformOrderNo, amount,
                    evidence(evidence));
        }

        /**
         * After the state came by query: waits for the notify until its deadline and flags it when missing, or when it
         * tells another final state than the query did. A notify whose signature does not verify is no notify.
         */
        private void awaitNotify(Instant notifyDeadline, OrderStatus queried) throws InterruptedException {
            while (true) {
                Duration left = Duration.between(now(), notifyDeadline);
                Optional<Notify> notify = context.notifications().await(context.clientOrderId(),
                        left.isNegative() ? Duration.ZERO : left);
                if (notify.isEmpty()) {
                    flags.add(Flag.NOTIFY_MISSING);
                    return;
                }
                if (notify.get().signatureValid() && notify.get().status().state().isFinal()) {
                    if (notify.get().status().state() != queried.state()) {
                        conflict(notify.get().status(), queried);
                    }
                    return;
                }
            }
        }

        /**
         * A final state told by notify is checked with one query: the platform's own record decides, and a signed
         * notify that says otherwise is evidence of its own, flagged {@link Flag#NOTIFY_CONFLICT}. When the query
         * cannot answer, the notify stands.
         */
        private OrderStatus confirmedByQuery(OrderStatus notified) throws InterruptedException {
            if (resumed) {
                return notified;
            }
            QueryAnswer query = protocol.query(platform, context);
            if (query instanceof QueryAnswer.Found found && found.status().state().isFinal()) {
                if (found.status().state() != notified.state()) {
                    conflict(notified, found.status());
                    return found.status();
                }
                return found.status().code() == null && notified.code() != null ? notified : found.status();
            }
            return notified;
        }

        private void conflict(OrderStatus notified, OrderStatus queried) {
            flags.add(Flag.NOTIFY_CONFLICT);
            conflict = "the signed notify said " + text(notified) + ", the query " + text(queried);
        }

        /** What a notify and the query disagreed about, for the evidence; null when they agreed. */
        private String conflict;

        /** How the run came to follow an order it did not place (a duplicate id), for the evidence; else null. */
        private String note;

        private ProbeResult unconfirmed(OrderStatus last, QueryAnswer.Failed failure, SubmitAnswer.Unknown unknown) {
            if (last != null) {
                remember(last);
            }
            if (last != null && last.state() == OrderStatus.State.UNPAID) {
                return unpaid(last, unknown);
            }
            if (last != null && failure == null) {
                return result(Reason.STUCK_PROCESSING, "still " + text(last) + " after "
                        + spec.confirmDeadline().toSeconds() + " s");
            }
            if (unknown != null) {
                String more = failure == null ? "" : "; query: " + failure.evidence();
                return result(unknown.reason(), unknown.evidence() + more);
            }
            if (failure != null) {
                return result(failure.reason(), failure.evidence());
            }
            return result(Reason.TIMEOUT, "no final state within " + spec.confirmDeadline().toSeconds() + " s");
        }

        /**
         * The store still says unpaid (or closed the order unpaid): paid on our side means the store never heard
         * of the payment, 回调失败.
         */
        private ProbeResult unpaid(OrderStatus status, SubmitAnswer.Unknown unknown) {
            String paid = status.paidEvidence() != null ? status.paidEvidence() : held ? receipt : null;
            if (paid != null) {
                return result(Reason.CALLBACK_LOST, "the store says " + text(status) + " after "
                        + spec.confirmDeadline().toSeconds() + " s, but the payment went through: " + paid);
            }
            if (unknown != null) {
                return result(unknown.reason(), unknown.evidence() + "; the store says " + text(status));
            }
            return result(Reason.PAYMENT_FAILED, "the store says " + text(status) + " and no payment went through");
        }

        private ProbeResult deliver(OrderStatus status, Instant confirmed) {
            String code = status.code() == null ? "" : status.code().strip();
            Instant checked = now();
            phases.put(PHASE_DELIVER, Duration.between(confirmed, checked));
            if (status.state() == OrderStatus.State.EXPIRED) {
                return unpaid(status, null);
            }
            if (status.state() != OrderStatus.State.SUCCESS) {
                Reason reason = RefusalClassifier.classify(status.statusText()) == Reason.OUT_OF_STOCK
                        ? Reason.OUT_OF_STOCK : Reason.UPSTREAM_FAILED;
                return result(reason, text(status));
            }
            if (code.isEmpty()) {
                return result(Reason.NOT_DELIVERED, text(status) + ", but no card code");
            }
            if (!spec.codePattern().matcher(code).matches()) {
                Reason reason = RefusalClassifier.classify(code) == Reason.OUT_OF_STOCK ? Reason.OUT_OF_STOCK
                        : Reason.NOT_DELIVERED;
                return result(reason, text(status) + ", but instead of a code: " + code);
            }
            return new ProbeResult(Outcome.SUCCESS, Reason.NONE, flags, phases, Duration.between(submitStart, confirmed),
                    platformOrderNo, amount, evidence(text(status) + ", code " + Evidence.maskCode(code)));
        }

        /** The first sign that the platform holds the order after a submit without a usable answer. */
        private void holding(OrderStatus status, String source) throws InterruptedException {
            if (!held) {
                held = true;
                remember(status);
                context.journal().accepted(platformOrderNo == null ? "" : platformOrderNo, null, source);
            }
        }

        private void remember(OrderStatus status) {
            if (status.platformOrderNo() != null && !status.platformOrderNo().isEmpty()) {
                platformOrderNo = status.platformOrderNo();
            }
        }

        private ProbeResult result(Reason reason, String evidence) {
            return new ProbeResult(reason.outcome(), reason, flags, phases, null, platformOrderNo, amount,
                    evidence(evidence));
        }

        private String evidence(String text) {
            String all = (conflict == null ? text : text + "; " + conflict) + (note == null ? "" : "; " + note);
            return Evidence.of(all, platform.credentials().values());
        }

        private static String text(OrderStatus status) {
            String words = status.statusText() == null || status.statusText().isBlank() ? ""
                    : " (" + status.statusText() + ")";
            return status.state().name().toLowerCase() + words;
        }

        private Instant now() {
            return context.clock().instant();
        }

        private static Duration min(Duration a, Duration b) {
            return a.compareTo(b) <= 0 ? a : b;
        }
    }
}
