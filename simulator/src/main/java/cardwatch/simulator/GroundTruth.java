package cardwatch.simulator;

import java.time.Instant;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;

/**
 * {@code GET <base>/sim/orders}, {@code /sim/balance} and {@code /sim/metrics}: what a simulated platform really did.
 */
final class GroundTruth {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private GroundTruth() {
    }

    static SimAnswer answer(TopUpBook book, String path) {
        if (path.equals("sim/metrics")) {
            return SimMetrics.answer();
        }
        if (path.equals("sim/balance")) {
            return SimAnswer.json(JSON.createObjectNode().put("balance", book.balance().toPlainString()).toString());
        }
        ArrayNode orders = JSON.createArrayNode();
        Instant now = book.now();
        for (SimOrder order : book.orders()) {
            orders.addObject()
                    .put("order_number", order.orderNumber())
                    .put("out_trade_num", order.outTradeNum())
                    .put("price", order.price().toPlainString())
                    .put("charged", order.charged().toPlainString())
                    .put("refund", order.refund().toPlainString())
                    .put("refund_at", order.refundAt() == null ? null : order.refundAt().toString())
                    .put("created_at", order.createdAt().toString())
                    .put("injected", order.injected().label())
                    .put("state", order.stateAt(now));
        }
        return SimAnswer.json(orders.toString());
    }
}
