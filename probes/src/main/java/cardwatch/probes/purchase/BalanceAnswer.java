package cardwatch.probes.purchase;

import cardwatch.probes.Reason;
import java.math.BigDecimal;

/** Our balance at the platform, or why it could not be read. */
public sealed interface BalanceAnswer {

    record Known(BigDecimal balance) implements BalanceAnswer {
    }

    record Failed(Reason reason, String evidence) implements BalanceAnswer {
    }
}
