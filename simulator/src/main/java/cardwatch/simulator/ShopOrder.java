package cardwatch.simulator;

import java.math.BigDecimal;
import java.time.Instant;

/** One order in a simulated storefront: the ground truth of what the store did with it. */
public final class ShopOrder {

    final String orderNo;
    final String requestNo;
    final String contact;
    final BigDecimal amount;
    final String product;
    final boolean fromBalance;
    final Instant createdAt;
    final Fault injected;
    /** The 查询密码 a dujiaoka buyer set, or empty. */
    final String searchPwd;
    /** The gateway's trade, once its notify named it. */
    volatile String gatewayTradeNo = "";
    volatile int status;
    volatile boolean delivered;
    volatile String secret = "";
    volatile boolean refunded;
    volatile Instant paidAt;

    ShopOrder(String orderNo, String requestNo, String contact, BigDecimal amount, String product,
            boolean fromBalance, Instant createdAt, Fault injected, String searchPwd) {
        this.orderNo = orderNo;
        this.requestNo = requestNo;
        this.contact = contact;
        this.amount = amount;
        this.product = product;
        this.fromBalance = fromBalance;
        this.createdAt = createdAt;
        this.injected = injected;
        this.searchPwd = searchPwd == null ? "" : searchPwd;
    }

    public String orderNo() {
        return orderNo;
    }

    /** The buyer's idempotency key or contact the order was placed under. */
    public String requestNo() {
        return requestNo;
    }

    public String contact() {
        return contact;
    }

    public BigDecimal amount() {
        return amount;
    }

    public Fault injected() {
        return injected;
    }

    /** 0 unpaid, 1 paid, 2 closed unpaid (expired). */
    public int status() {
        return status;
    }

    public boolean delivered() {
        return delivered;
    }

    public String secret() {
        return secret;
    }

    public boolean refunded() {
        return refunded;
    }
}
