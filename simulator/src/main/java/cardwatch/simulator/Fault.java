package cardwatch.simulator;

import java.util.Locale;

/**
 * What a simulated platform does wrong to one order or request. The label is what the simulator reports as
 * its ground truth ("injected"), so tests can compare Cardwatch's verdict with what really happened.
 */
public enum Fault {
    /** Behaves: accepts, delivers a card code after a log-normal delay, sends the signed notify. */
    NONE,
    /** Delivers, but never sends the notify. */
    NOTIFY_LOST,
    /** Accepts and stays in 充值中 forever. */
    STUCK,
    /** Refuses the order: 库存不足. */
    OUT_OF_STOCK,
    /** Refuses the order with a risk-control message. */
    RISK_REJECTED,
    /** Every request answers 503 or has its connection reset. */
    DOWN,
    /** Takes the order, then answers with a body that is not JSON. */
    MALFORMED,
    /** Accepts, then the supplier fails: 充值失败, 取消 or 部分成功. The payment is returned. */
    UPSTREAM_FAILED,
    /** Reports 充值成功 but delivers an apology instead of a card code. */
    NO_CODE,
    /** Delivers, but the notify carries a wrong signature. */
    BAD_SIGNATURE,
    /** Overloaded: every request hangs past any sane read timeout, then gets a 504; nothing is done. */
    HUNG,
    /** Delivers, but deducts the price twice for the one order. */
    DOUBLE_CHARGE,
    /** The supplier fails the order and the money is never returned. */
    NO_REFUND,
    /** The supplier fails the order and the money comes back hours later. */
    LATE_REFUND,
    /** The gateway's notify to the store comes minutes late. */
    NOTIFY_LATE,
    /** The gateway notifies the store twice for one payment. */
    DUPLICATE_NOTIFY,
    /** The store takes the payment, then has no stock to deliver, and refunds it. */
    OVERSOLD;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Fault fromLabel(String label) {
        return valueOf(label.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    }
}
