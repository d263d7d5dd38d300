package cardwatch.simulator;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A simulated 异次元 (acg-faka) storefront: JSON {@code POST /user/api/order/trade} (idempotent by
 * {@code request_no}) answers {@code {code:200, data:{tradeNo, url, amount}}} or {@code {code:0, msg}};
 * {@code /user/api/index/query} and {@code /user/api/index/secret} read orders and their 卡密. Paid orders are
 * delivered after the profile's delay; an oversold one is "delivered" an apology instead of a code.
 */
final class AcgFakaShop extends SimShop {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    AcgFakaShop(EpayGateway gateway, Profile profile, String merchantKey, String storeToken, Clock clock, long seed) {
        super(gateway, profile, merchantKey, storeToken, clock, seed);
    }

    @Override
    String callbackPath() {
        return "/user/api/order/callback";
    }

    @Override
    String apology() {
        return "有人在你付款之前抢走了商品，请联系客服退款";
    }

    @Override
    SimAnswer route(SimRequest request) {
        return switch (request.path()) {
            case "/user/api/order/trade" -> trade(request);
            case "/user/api/index/query" -> query(request);
            case "/user/api/index/secret" -> secret(request);
            case "/user/api/user/info" -> user(request);
            case "/" -> SimPages.home("异次元发卡", footer());
            default -> SimAnswer.status(404, "{\"code\":404,\"msg\":\"not found\"}");
        };
    }

    private SimAnswer trade(SimRequest request) {
        JsonNode body = json(request.body());
        if (body == null) {
            return fail("参数错误");
        }
        String commodity = body.path("commodity_id").asString("");
        boolean fromBalance = "0".equals(body.path("pay_id").asString(""));
        Placed placed = place(body.path("request_no").asString(""), body.path("contact").asString(""), commodity,
                fromBalance, request);
        if (placed.refusal() != null) {
            return fail(placed.refusal());
        }
        ShopOrder order = placed.order();
        ObjectNode data = JSON.createObjectNode().put("tradeNo", order.orderNo).put("url", order.payUrl)
                .put("amount", order.amount.toPlainString()).put("status", order.status);
        return ok("下单成功", data);
    }

    private SimAnswer query(SimRequest request) {
        JsonNode body = json(request.body());
        String keywords = body == null ? "" : body.path("keywords").asString("");
        ArrayNode data = JSON.createArrayNode();
        for (ShopOrder order : find(keywords)) {
            data.addObject().put("tradeNo", order.orderNo).put("amount", order.amount.toPlainString())
                    .put("status", statusNow(order)).put("delivery_status", order.delivered ? 1 : 0)
                    .put("pay_url", order.payUrl).put("contact", order.contact)
                    .put("create_time", order.createdAt.getEpochSecond());
        }
        return ok("查询成功", data);
    }

    private SimAnswer secret(SimRequest request) {
        JsonNode body = json(request.body());
        ShopOrder order = body == null ? null : byOrderNo(body.path("tradeNo").asString(""));
        if (order == null) {
            return fail("订单不存在");
        }
        if (!order.delivered) {
            return fail("订单未发货");
        }
        return ok("获取成功", JSON.createObjectNode().put("secret", order.secret));
    }

    private SimAnswer user(SimRequest request) {
        if (!authorised(request)) {
            return fail("请先登录");
        }
        return ok("ok", JSON.createObjectNode().put("username", "cardwatch").put("balance",
                balance().toPlainString()));
    }

    private List<ShopOrder> find(String keywords) {
        List<ShopOrder> found = new ArrayList<>();
        for (ShopOrder order : orders()) {
            if (!keywords.isEmpty() && (order.contact.equals(keywords) || order.orderNo.equals(keywords))) {
                found.add(order);
            }
        }
        return found;
    }

    private static JsonNode json(String body) {
        try {
            JsonNode node = JSON.readTree(body == null ? "" : body);
            return node != null && node.isObject() ? node : null;
        } catch (JacksonException e) {
            return null;
        }
    }

    private static SimAnswer ok(String message, JsonNode data) {
        ObjectNode body = JSON.createObjectNode().put("code", 200).put("msg", message);
        body.set("data", data);
        return SimAnswer.json(body.toString());
    }

    private static SimAnswer fail(String message) {
        return SimAnswer.json(JSON.createObjectNode().put("code", 0).put("msg", message).toString());
    }
}
