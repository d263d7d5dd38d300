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
 * The scheduled small test purchase, as a state machine whose every step is short and never waits:
 * <pre>
 *   start ──submit──> Done (refused, checked out, final at once, never arrived)
 *                └──> Wait(CONFIRM) ──notify / timer: one query──> Wait(CONFIRM) … ──> Done (delivered, failed,
 *                                                                                         stuck past the deadline)
 *                                                               └──final by query──> Wait(NOTIFY) ──notify / its
 *                                                                                     deadline──> Done (flags)
 *   recover (an interrupted run with no saved state) ──one query──> as CONFIRM, or Unresolved
 * </pre>
 * Between steps the caller keeps the {@link PurchaseState} (the service keeps it in the run's row) and wakes the run
 * at the {@link Step.Wait#until() wait's end} or when a notify for it arrives. The order is submitted at most once per
 * run: an answer that leaves its existence unknown is followed by queries, never by a second submit.
 * {@link #run} drives the machine on the calling thread, for callers that can afford to wait.
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

    /** Where a run stands after a step. */
    public sealed interface Step {

        /** Nothing to do until {@code until}, or until a notify for the run arrives. */
        record Wait(Instant until, PurchaseState state) implements Step {
        }

        /** The verdict. */
        record Done(ProbeResult result) implements Step {
        }

        /** An interrupted run whose platform could not be asked: no verdict yet, ask again later. */
        record Unresolved(String why) implements Step {
        }
    }

    /** The whole run on the calling thread: submits, then waits on the inbox between steps. */
    @Override
    public ProbeResult run(PlatformSettings platform, ProbeContext context) throws InterruptedException {
        context.notifications().open(context.clientOrderId());
        try {
            Step step = start(platform, context);
            step = drive(platform, context, step);
            return ((Step.Done) step).result();
        } finally {
            context.notifications().close(context.clientOrderId());
        }
    }

    /**
     * Finishes an interrupted run on the calling thread without ever submitting again: the order is looked up by its
     * client order id and followed to its end, or found never to have been placed.
     *
     * @param submitStart  when the interrupted run was about to submit: the deadlines count from there
     * @return the verdict, or an unresolved answer when the platform could not be asked
     */
    public Resumption resume(PlatformSettings platform, ProbeContext context, Instant submitStart)
            throws InterruptedException {
        context.notifications().open(context.clientOrderId());
        try {
            Step step = drive(platform, context, recover(platform, context, submitStart));
            return step instanceof Step.Unresolved unresolved ? new Resumption(null, unresolved.why())
                    : new Resumption(((Step.Done) step).result(), null);
        } finally {
            context.notifications().close(context.clientOrderId());
        }
    }

    private Step drive(PlatformSettings platform, ProbeContext context, Step step) throws InterruptedException {
        while (step instanceof Step.Wait wait) {
            Duration left = Duration.between(context.clock().instant(), wait.until());
            Optional<Notify> notify = context.notifications().await(context.clientOrderId(),
                    left.isNegative() ? Duration.ZERO : left);
            step = advance(platform, context, wait.state(), notify.orElse(null));
        }
        return step;
    }

    /**
     * What resuming an interrupted run found.
     *
     * @param result      the verdict; {@code null} when the platform could not be asked
     * @param unresolved  why there is no verdict yet
     */
    public record Resumption(ProbeResult result, String unresolved) {
    }

    /** The first step: checks the settings, submits the order once, and says what comes next. */
    public Step start(PlatformSettings platform, ProbeContext context) throws InterruptedException {
        PurchaseProtocol protocol = protocols.get(platform.protocol());
        if (protocol == null) {
            return new Step.Done(ProbeResult.error(Reason.CONFIG, "no purchase protocol named '"
                    + platform.protocol() + "'"));
        }
        if (platform.purchase() == null) {
            return new Step.Done(ProbeResult.error(Reason.CONFIG, "platform has no product to buy"));
        }
        String missing = missingCredential(platform, protocol);
        if (missing != null) {
            return new Step.Done(ProbeResult.error(Reason.CREDENTIALS, "credential '" + missing + "' is not set"));
        }
        return new Run(platform, context, protocol, null).submit();
    }

    /**
     * The first step of an interrupted run that left no state (it stopped before or during its submit): one query by
     * the client order id, never a submit.
     */
    public Step recover(PlatformSettings platform, ProbeContext context, Instant submitStart)
            throws InterruptedException {
        PurchaseProtocol protocol = protocols.get(platform.protocol());
        if (protocol == null || platform.purchase() == null) {
            return new Step.Unresolved("platform has no purchase protocol or product any more");
        }
        String missing = missingCredential(platform, protocol);
        if (missing != null) {
            return new Step.Unresolved("credential '" + missing + "' is not set");
        }
        Run run = new Run(platform, context, protocol, null);
        run.submitStart = submitStart;
        if (!protocol.spendsMoney(platform)) {
            return new Step.Done(run.result(Reason.INTERNAL, "the checkout was interrupted; a checkout pays nothing, "
                    + "so there is nothing to follow"));
        }
        run.resumed = true;
        run.confirmStart = run.now();
        run.unknown = new SubmitAnswer.Unknown(Reason.INTERNAL,
                "the run was interrupted before the platform took an order", true);
        return run.confirmStep(null);
    }

    /**
     * One step of a waiting run: {@code notify} arrived (a verified one moves the run; any other is ignored), or,
     * when it is {@code null}, the wait ended.
     */
    public Step advance(PlatformSettings platform, ProbeContext context, PurchaseState state, Notify notify)
            throws InterruptedException {
        PurchaseProtocol protocol = protocols.get(platform.protocol());
        if (protocol == null || platform.purchase() == null) {
            return new Step.Unresolved("platform has no purchase protocol or product any more");
        }
        if (state.phase() == PurchaseState.Phase.NOTIFY && state.resumed()) {
            // taken over: the notify may have reached the process that ended, so its absence proves nothing
            return new Step.Done(state.verdict());
        }
        Run run = new Run(platform, context, protocol, state);
        return state.phase() == PurchaseState.Phase.NOTIFY ? run.notifyStep(notify) : run.confirmStep(notify);
    }

    private static String missingCredential(PlatformSettings platform, PurchaseProtocol protocol) {
        for (String name : protocol.requiredCredentials(platform.payer() == null ? null : platform.payer().kind())) {
            if (platform.credentials().get(name).isEmpty()) {
                return name;
            }
        }
        return null;
    }

    /** One run's state while a step runs: the timings, what was seen and the verdict. */
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
        private Instant confirmStart;
        private int attempt = 1;
        private boolean resumed;
        private boolean held;
        /** The platform's words when it took the order: for a storefront, the payment receipt. */
        private String receipt = "";
        /** The last non-final status seen. */
        private OrderStatus last;
        /** The last query that got no usable answer, while no later one did. */
        private QueryAnswer.Failed lastFailure;
        /** The same, cleared only by an answer (a deferred query keeps it): a resume's "could not be asked". */
        private QueryAnswer.Failed lastQueryFailure;
        /** Set when the submit got no usable answer. */
        private SubmitAnswer.Unknown unknown;
        /** What a notify and the query disagreed about, for the evidence; null when they agreed. */
        private String conflict;
        /** How the run came to follow an order it did not place (a duplicate id), for the evidence; else null. */
        private String note;
        /** While waiting for the notify: the verdict reached by query, and the state the query told. */
        private ProbeResult verdict;
        private OrderStatus.State queried;
        private String queriedText;

        Run(PlatformSettings platform, ProbeContext context, PurchaseProtocol protocol, PurchaseState state) {
            this.platform = platform;
            this.context = context;
            this.protocol = protocol;
            this.spec = platform.purchase();
            if (state != null) {
                phases.putAll(state.phases());
                flags.addAll(state.flags());
                platformOrderNo = state.platformOrderNo();
                amount = state.amount();
                submitStart = state.submitStart();
                confirmStart = state.confirmStart();
                attempt = state.attempt();
                resumed = state.resumed();
                held = state.held();
                receipt = state.receipt() == null ? "" : state.receipt();
                last = state.last();
                lastFailure = state.lastFailure();
                lastQueryFailure = state.lastQueryFailure();
                unknown = state.unknown();
                conflict = state.conflict();
                note = state.note();
                verdict = state.verdict();
                queried = state.queried();
                queriedText = state.queriedText();
            }
        }

        private PurchaseState state(PurchaseState.Phase phase) {
            return new PurchaseState(phase, submitStart, confirmStart, attempt, held, resumed, platformOrderNo, amount,
                    receipt, last, lastFailure, lastQueryFailure, unknown, flags, phases, conflict, note, verdict,
                    queried, queriedText);
        }

        Step submit() throws InterruptedException {
            if (!protocol.spendsMoney(platform)) {
                flags.add(Flag.CHECKOUT_ONLY);
            }
            submitStart = now();
            SubmitAnswer answer = protocol.submit(platform, context);
            Instant submitEnd = now();
            phases.put(PHASE_ORDER, Duration.between(submitStart, submitEnd));
            confirmStart = submitEnd;
            if (answer instanceof SubmitAnswer.Refused refused) {
                if (RefusalClassifier.isDuplicate(refused.message())) {
                    note = "the platform refused our order id as one it holds already (" + refused.message()
                            + "), so the run followed that order and placed none";
                    unknown = new SubmitAnswer.Unknown(Reason.INTERNAL, "the platform says an order with our id "
                            + context.clientOrderId() + " exists already: " + refused.message(), true);
                    return nextWait();
                }
                return done(RefusalClassifier.classify(refused.message()), refused.message());
            }
            if (answer instanceof SubmitAnswer.CheckedOut checkedOut) {
                platformOrderNo = checkedOut.platformOrderNo();
                flags.add(Flag.CHECKOUT_ONLY);
                return new Step.Done(new ProbeResult(Outcome.SUCCESS, Reason.NONE, flags, phases, null,
                        platformOrderNo, null, evidence(checkedOut.text())));
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
                    return new Step.Done(deliver(accepted.status(), submitEnd));
                }
                return nextWait();
            }
            unknown = (SubmitAnswer.Unknown) answer;
            return unknown.maybeArrived() ? nextWait() : done(unknown.reason(), unknown.evidence());
        }

        /**
         * One wake while waiting for the final state: a verified notify is taken (a final one checked with one
         * query), else the platform is queried once. {@code unknown} is set when the submit got no usable answer:
         * then a proper "no such order" ends the run with the submit's reason, and a malformed answer stays
         * protocol_error whatever the state.
         */
        Step confirmStep(Notify notify) throws InterruptedException {
            if (notify != null && notify.signatureValid()) {
                holding(notify.status(), "notify");
                if (notify.status().state().isFinal()) {
                    return confirmed(confirmedByQuery(notify.status()), false);
                }
                last = notify.status();
            }
            QueryAnswer query = protocol.query(platform, context);
            if (query instanceof QueryAnswer.Deferred) {
                attempt++;
                return nextWait();
            }
            lastQueryFailure = query instanceof QueryAnswer.Failed failed ? failed : null;
            if (query instanceof QueryAnswer.Found found) {
                holding(found.status(), "query");
                lastFailure = null;
                if (found.status().state().isFinal()) {
                    return confirmed(found.status(), true);
                }
                last = found.status();
            } else if (query instanceof QueryAnswer.NotFound notFound) {
                if (unknown != null && last == null) {
                    return done(unknown.reason(), unknown.evidence() + "; query: no such order");
                }
                lastFailure = new QueryAnswer.Failed(Reason.PROTOCOL_ERROR,
                        "the platform took the order, then its query says there is no such order: " + notFound.text());
            } else {
                lastFailure = (QueryAnswer.Failed) query;
            }
            context.journal().confirming(attempt);
            attempt++;
            return nextWait();
        }

        /** The next wait, with the query backoff, or the end when the confirm deadline has passed. */
        private Step nextWait() {
            Instant deadline = submitStart.plus(spec.confirmDeadline());
            Duration left = Duration.between(now(), deadline);
            if (left.isNegative() || left.isZero()) {
                return unconfirmed();
            }
            IntervalFunction backoff = IntervalFunction.ofExponentialBackoff(spec.pollInitial(), 1.5, spec.pollMax());
            Duration wait = min(Duration.ofMillis(backoff.apply(attempt)), left);
            return new Step.Wait(now().plus(wait), state(PurchaseState.Phase.CONFIRM));
        }

        /**
         * The final state is known. When it came by query from a platform that notifies, the run waits for the
         * notify until its deadline (unless it was taken over after an interruption: notifies went to the process
         * that ended).
         */
        private Step confirmed(OrderStatus finalStatus, boolean viaQuery) {
            Instant confirmed = now();
            phases.put(PHASE_CONFIRM, Duration.between(confirmStart, confirmed));
            remember(finalStatus);
            ProbeResult verdict = unknown != null && unknown.reason() == Reason.PROTOCOL_ERROR
                    ? broken(unknown.evidence() + "; order state " + finalStatus.state().name().toLowerCase(),
                            finalStatus, confirmed)
                    : deliver(finalStatus, confirmed);
            if (viaQuery && !resumed && protocol.notifies()) {
                this.verdict = verdict;
                queried = finalStatus.state();
                queriedText = text(finalStatus);
                return new Step.Wait(submitStart.plus(spec.notifyDeadline()), state(PurchaseState.Phase.NOTIFY));
            }
            return new Step.Done(verdict);
        }

        /**
         * One wake while waiting for the notify after the query told the final state: a verified final notify ends
         * the wait (flagged when it tells another state); the deadline's passing flags it missing.
         */
        Step notifyStep(Notify notify) {
            ProbeResult verdict = this.verdict;
            Set<Flag> all = EnumSet.noneOf(Flag.class);
            all.addAll(verdict.flags());
            String evidence = verdict.evidence();
            if (notify != null && notify.signatureValid() && notify.status().state().isFinal()) {
                if (notify.status().state() != queried) {
                    all.add(Flag.NOTIFY_CONFLICT);
                    evidence = Evidence.of(evidence + "; the signed notify said " + text(notify.status())
                            + ", the query " + queriedText, platform.credentials().values());
                }
            } else if (notify == null && !now().isBefore(submitStart.plus(spec.notifyDeadline()))) {
                all.add(Flag.NOTIFY_MISSING);
            } else {
                return new Step.Wait(submitStart.plus(spec.notifyDeadline()), state(PurchaseState.Phase.NOTIFY));
            }
            return new Step.Done(new ProbeResult(verdict.outcome(), verdict.reason(), all, verdict.phases(),
                    verdict.delivery(), verdict.platformOrderNo(), verdict.amountCharged(), evidence));
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
                    flags.add(Flag.NOTIFY_CONFLICT);
                    conflict = "the signed notify said " + text(notified) + ", the query " + text(found.status());
                    return found.status();
                }
                return found.status().code() == null && notified.code() != null ? notified : found.status();
            }
            return notified;
        }

        /** The confirm deadline passed without a final state. */
        private Step unconfirmed() {
            if (resumed && !held && lastQueryFailure != null) {
                return new Step.Unresolved(lastQueryFailure.evidence());
            }
            if (last != null) {
                remember(last);
            }
            phases.put(PHASE_CONFIRM, Duration.between(confirmStart, now()));
            if (last != null && last.state() == OrderStatus.State.UNPAID) {
                return new Step.Done(unpaid(last, unknown));
            }
            if (last != null && lastFailure == null) {
                return done(Reason.STUCK_PROCESSING, "still " + text(last) + " after "
                        + spec.confirmDeadline().toSeconds() + " s");
            }
            if (unknown != null) {
                String more = lastFailure == null ? "" : "; query: " + lastFailure.evidence();
                return done(unknown.reason(), unknown.evidence() + more);
            }
            if (lastFailure != null) {
                return done(lastFailure.reason(), lastFailure.evidence());
            }
            return done(Reason.TIMEOUT, "no final state within " + spec.confirmDeadline().toSeconds() + " s");
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

        private Step done(Reason reason, String evidence) {
            return new Step.Done(result(reason, evidence));
        }

        ProbeResult result(Reason reason, String evidence) {
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
