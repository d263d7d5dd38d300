package cardwatch.probes.purchase.acgfaka;

import cardwatch.probes.PlatformSettings;
import cardwatch.probes.ProbeContext;
import cardwatch.probes.Reason;
import cardwatch.probes.http.HttpAnswer;
import cardwatch.probes.http.TransportException;
import cardwatch.probes.purchase.BalanceAnswer;
import cardwatch.probes.purchase.OrderStatus;
import cardwatch.probes.purchase.Transports;
import cardwatch.probes.purchase.storefront.Payment;
import cardwatch.probes.purchase.storefront.StoreAnswers;
import cardwatch.probes.purchase.storefront.StoreOrder;
import cardwatch.probes.purchase.storefront.Storefront;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * The 异次元 (acg-faka) storefront: JSON {@code POST /user/api/order/trade} (its {@code request_no}, our client
 * order id, makes it idempotent) answers {@code {code:200, data:{tradeNo, url, amount}}} or {@code {code:0, msg}};
 * {@code /user/api/index/query} finds the order by our contact; {@code /user/api/index/secret} reads the 卡密.
 * {@code delivery_status=1} with an apology instead of a code (有人在你付款之前抢走了商品) is out of stock, not
 * success: the text is read.
 */
public final class AcgFakaStorefront implements Storefront {

    public static final String NAME = "acg-faka";
    static final String TOKEN = cardwatch.probes.purchase.storefront.BalancePayer.TOKEN;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean hasBalance() {
        return true;
    }

    @Override
    public Created create(PlatformSettings platform, ProbeContext context, boolean fromBalance) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("commodity_id", platform.purchase().productId());
        body.put("num", 1);
        body.put("contact", Storefront.contact(context));
        body.put("pay_id", fromBalance ? "0" : platform.payer().method());
        body.put("request_no", context.clientOrderId());
        body.put("device", 0);
        HttpAnswer answer;
        try {
            answer = context.http().postJson(StoreAnswers.endpoint(platform.baseUrl(), "user/api/order/trade"),
                    StoreAnswers.toJson(body), headers(platform, fromBalance));
        } catch (TransportException e) {
            return StoreAnswers.unknown("order", e);
        }
        JsonNode root = answer.ok() ? StoreAnswers.json(answer.body()) : null;
        if (root == null || !root.has("code")) {
            return StoreAnswers.unusable("order", answer);
        }
        if (root.path("code").asInt(0) != 200) {
            return new Created.Refused(root.path("msg").asString(""));
        }
        JsonNode data = root.path("data");
        String url = data.path("url").asString("");
        BigDecimal amount = StoreAnswers.decimal(data.path("amount").asString(""));
        boolean paid = data.path("status").asInt(0) == 1;
        OrderStatus status = new OrderStatus(paid ? OrderStatus.State.PROCESSING : OrderStatus.State.UNPAID,
                data.path("tradeNo").asString(""), "", paid ? "已支付" : "未支付", amount);
        return new Created.Order(new StoreOrder(data.path("tradeNo").asString(""),
                new Payment(StoreAnswers.tradeNo(url), url, amount), status), paid);
    }

    @Override
    public Lookup find(PlatformSettings platform, ProbeContext context) {
        String contact = Storefront.contact(context);
        HttpAnswer answer;
        try {
            answer = context.http().postJson(StoreAnswers.endpoint(platform.baseUrl(), "user/api/index/query"),
                    StoreAnswers.toJson(Map.of("keywords", contact)), Map.of());
        } catch (TransportException e) {
            return StoreAnswers.failed("query", e);
        }
        JsonNode root = answer.ok() ? StoreAnswers.json(answer.body()) : null;
        if (root == null || root.path("code").asInt(0) != 200) {
            return root != null ? new Lookup.Failed(Reason.PROTOCOL_ERROR, "query refused: "
                    + root.path("msg").asString("")) : StoreAnswers.failed("query", answer);
        }
        for (JsonNode item : root.path("data")) {
            if (contact.equals(item.path("contact").asString(contact))) {
                return found(platform, context, item);
            }
        }
        return new Lookup.NotFound("no order for " + contact);
    }

    private Lookup found(PlatformSettings platform, ProbeContext context, JsonNode item) {
        String tradeNo = item.path("tradeNo").asString("");
        String url = item.path("pay_url").asString("");
        BigDecimal amount = StoreAnswers.decimal(item.path("amount").asString(""));
        Payment payment = new Payment(StoreAnswers.tradeNo(url), url, amount);
        int status = item.path("status").asInt(-1);
        boolean delivered = item.path("delivery_status").asInt(0) == 1;
        OrderStatus.State state;
        String words;
        String code = "";
        if (status == 0) {
            state = OrderStatus.State.UNPAID;
            words = "未支付";
        } else if (status == 2) {
            state = OrderStatus.State.EXPIRED;
            words = "已关闭";
        } else if (status == 1 && !delivered) {
            state = OrderStatus.State.PROCESSING;
            words = "已支付，等待发货";
        } else if (status == 1) {
            Secret secret = secret(platform, context, tradeNo);
            if (secret.failure() != null) {
                return secret.failure();
            }
            state = OrderStatus.State.SUCCESS;
            words = "已发货";
            code = secret.code();
        } else {
            return new Lookup.Failed(Reason.PROTOCOL_ERROR, "query: unknown status " + status);
        }
        return new Lookup.Found(new StoreOrder(tradeNo, payment, new OrderStatus(state, tradeNo, code, words, amount)));
    }

    /** The 卡密 read, or why it could not be. */
    private record Secret(String code, Lookup failure) {
    }

    private Secret secret(PlatformSettings platform, ProbeContext context, String tradeNo) {
        HttpAnswer answer;
        try {
            answer = context.http().postJson(StoreAnswers.endpoint(platform.baseUrl(), "user/api/index/secret"),
                    StoreAnswers.toJson(Map.of("tradeNo", tradeNo)), Map.of());
        } catch (TransportException e) {
            return new Secret("", StoreAnswers.failed("secret", e));
        }
        JsonNode root = answer.ok() ? StoreAnswers.json(answer.body()) : null;
        if (root == null || root.path("code").asInt(0) != 200) {
            return new Secret("", root != null ? new Lookup.Failed(Reason.PROTOCOL_ERROR, "secret refused: "
                    + root.path("msg").asString("")) : StoreAnswers.failed("secret", answer));
        }
        return new Secret(root.path("data").path("secret").asString(""), null);
    }

    @Override
    public BalanceAnswer balance(PlatformSettings platform, ProbeContext context) {
        HttpAnswer answer;
        try {
            answer = context.http().get(StoreAnswers.endpoint(platform.baseUrl(), "user/api/user/info"),
                    headers(platform, true));
        } catch (TransportException e) {
            return new BalanceAnswer.Failed(Transports.reason(e), "balance: " + e.getMessage());
        }
        JsonNode root = answer.ok() ? StoreAnswers.json(answer.body()) : null;
        BigDecimal balance = root == null ? null : StoreAnswers.decimal(root.path("data").path("balance").asString(""));
        if (root != null && root.path("code").asInt(0) != 200) {
            return new BalanceAnswer.Failed(Reason.CREDENTIALS, "balance refused: " + root.path("msg").asString(""));
        }
        return balance == null ? new BalanceAnswer.Failed(Reason.PROTOCOL_ERROR, "balance: HTTP " + answer.status())
                : new BalanceAnswer.Known(balance);
    }

    private static Map<String, String> headers(PlatformSettings platform, boolean withToken) {
        return withToken ? platform.credentials().get(TOKEN).map(t -> Map.of("Authorization", "Bearer " + t))
                .orElse(Map.of()) : Map.of();
    }
}
