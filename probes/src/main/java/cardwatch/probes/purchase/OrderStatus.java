package cardwatch.probes.purchase;

import java.math.BigDecimal;

/**
 * An order's status as the platform reports it, by answer to a query or by notify.
 *
 * @param state            normalised state
 * @param platformOrderNo  the platform's order number
 * @param code             the delivered card code / 流水号, or whatever text stands in its place
 * @param statusText       the platform's own words for the state
 * @param amount           the amount the platform reports for the order, when it does
 */
public record OrderStatus(State state, String platformOrderNo, String code, String statusText, BigDecimal amount) {

    /** Normalised order states. */
    public enum State {
        /** 充值中 / 处理中. */
        PROCESSING,
        SUCCESS,
        /** 充值失败. */
        FAILED,
        /** 取消. */
        CANCELLED,
        /** 部分成功. */
        PARTIAL;

        public boolean isFinal() {
            return this != PROCESSING;
        }
    }
}
