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
 * @param paidEvidence     for an order the store shows unpaid or expired: the payment side's word that it was
 *                         paid (a receipt, the gateway's status 1 已支付); {@code null} when there is none
 */
public record OrderStatus(State state, String platformOrderNo, String code, String statusText, BigDecimal amount,
        String paidEvidence) {

    public OrderStatus(State state, String platformOrderNo, String code, String statusText, BigDecimal amount) {
        this(state, platformOrderNo, code, statusText, amount, null);
    }

    public OrderStatus withPaidEvidence(String evidence) {
        return new OrderStatus(state, platformOrderNo, code, statusText, amount, evidence);
    }

    /** Normalised order states. */
    public enum State {
        /** A storefront order not paid yet, as far as the store knows (待支付). */
        UNPAID,
        /** A storefront order the store closed unpaid (已过期). */
        EXPIRED,
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
            return this != PROCESSING && this != UNPAID;
        }
    }
}
