package cardwatch.probes.purchase;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a purchase probe buys and how long it waits.
 *
 * @param productId      the platform's product id
 * @param faceValue      the product's face value (yuan); the platform refuses a product that differs
 * @param priceCap       the most we pay (yuan); the platform refuses when its cost is higher
 * @param account        the account topped up (phone number, QQ number, game account)
 * @param codePattern    what a well-formed card code / 流水号 looks like
 * @param notifyDeadline after submit: a final state seen only by query after this is flagged notify_missing
 * @param confirmDeadline after submit: still 充值中 after this is stuck_processing
 * @param pollInitial    first query interval while confirming
 * @param pollMax        longest query interval (the backoff's ceiling)
 */
public record PurchaseSpec(String productId, BigDecimal faceValue, BigDecimal priceCap, String account,
        Pattern codePattern, Duration notifyDeadline, Duration confirmDeadline, Duration pollInitial,
        Duration pollMax) {

    /** Letters, digits and dashes, 6 to 64 long: what card codes and top-up serial numbers look like. */
    public static final Pattern DEFAULT_CODE_PATTERN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_\\-]{5,63}");

    public PurchaseSpec {
        Objects.requireNonNull(productId, "productId");
        Objects.requireNonNull(priceCap, "priceCap");
        codePattern = codePattern == null ? DEFAULT_CODE_PATTERN : codePattern;
    }
}
