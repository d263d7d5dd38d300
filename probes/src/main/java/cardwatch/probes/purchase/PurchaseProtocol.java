package cardwatch.probes.purchase;

import cardwatch.probes.PlatformSettings;
import cardwatch.probes.ProbeContext;
import java.util.List;
import java.util.Map;

/**
 * One platform protocol (adapter): how to place an order, ask about it and read its notify. Implementations
 * never throw for anything a platform sends: they answer {@link SubmitAnswer.Unknown} or
 * {@link QueryAnswer.Failed} with a reason.
 */
public interface PurchaseProtocol {

    /** The protocol's name in {@code platforms.yml}. */
    String name();

    /** Credential names a platform entry must reference, e.g. {@code api-key}. */
    List<String> requiredCredentials();

    /** Credential names for a platform paid by {@code payerKind} (null when the protocol pays by itself). */
    default List<String> requiredCredentials(String payerKind) {
        return requiredCredentials();
    }

    /**
     * Checks the protocol's own options in a platform entry (a generic adapter's steps, say).
     *
     * @return problems by field path; empty when the options are fine
     */
    default java.util.Map<String, String> checkOptions(java.util.Map<String, Object> options) {
        return java.util.Map.of();
    }

    /** The payer kinds a platform of this protocol may use; empty when the protocol pays by itself. */
    default java.util.Set<String> payerKinds() {
        return java.util.Set.of();
    }

    /** Places the order {@link ProbeContext#clientOrderId()}. Called at most once per run. */
    SubmitAnswer submit(PlatformSettings platform, ProbeContext context) throws InterruptedException;

    /** Asks for the order {@link ProbeContext#clientOrderId()}. */
    QueryAnswer query(PlatformSettings platform, ProbeContext context) throws InterruptedException;

    /** Reads our balance at the platform: the ground truth the ledger is reconciled against. */
    BalanceAnswer balance(PlatformSettings platform, ProbeContext context) throws InterruptedException;

    /** Reads and verifies an async notify; {@code null} when the form is not a notify of this protocol at all. */
    Notify parseNotify(PlatformSettings platform, Map<String, String> form);

    /**
     * Whether a run at {@code platform} spends money: false for a checkout that only creates the order and looks at
     * the gateway's page. A run that spends nothing has nothing to follow after a crash.
     */
    default boolean spendsMoney(PlatformSettings platform) {
        return true;
    }

    /** Whether the platform notifies us at all; storefronts notify themselves, through their gateway. */
    default boolean notifies() {
        return true;
    }

    /** The charset the platform's notifies are encoded in when they do not say. */
    default java.nio.charset.Charset notifyCharset() {
        return java.nio.charset.StandardCharsets.UTF_8;
    }

    /** The body the platform expects back for a notify we accepted. */
    String notifyAcknowledgement();
}
