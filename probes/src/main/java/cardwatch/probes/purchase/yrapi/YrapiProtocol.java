package cardwatch.probes.purchase.yrapi;

import cardwatch.probes.Evidence;
import cardwatch.probes.PlatformSettings;
import cardwatch.probes.ProbeContext;
import cardwatch.probes.Reason;
import cardwatch.probes.http.HttpAnswer;
import cardwatch.probes.http.TransportException;
import cardwatch.probes.purchase.BalanceAnswer;
import cardwatch.probes.purchase.Notify;
import cardwatch.probes.purchase.OrderStatus;
import cardwatch.probes.purchase.PurchaseProtocol;
import cardwatch.probes.purchase.PurchaseSpec;
import cardwatch.probes.purchase.QueryAnswer;
import cardwatch.probes.purchase.RefusalClassifier;
import cardwatch.probes.purchase.SubmitAnswer;
import cardwatch.probes.purchase.Transports;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The direct top-up reseller API of 卡盟 suppliers in the 大猿人 {@code yrapi.php} shape: form POSTs to
 * {@code index/recharge} (下单), {@code index/check} (查询) and {@code index/user}; JSON answers with
 * {@code errno}/{@code errmsg}/{@code data}; states -1 取消, 0 充值中, 1 充值成功, 2 充值失败, 3 部分成功; an async
 * notify signed like the requests and answered {@code success}.
 */
public final class YrapiProtocol implements PurchaseProtocol {

    public static final String NAME = "yrapi";
    public static final String API_KEY = "api-key";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<String> requiredCredentials() {
        return List.of(API_KEY);
    }

    @Override
    public String notifyAcknowledgement() {
        return "success";
    }

    @Override
    public SubmitAnswer submit(PlatformSettings platform, ProbeContext context) {
        PurchaseSpec spec = platform.purchase();
        Map<String, String> form = new LinkedHashMap<>();
        form.put("out_trade_num", context.clientOrderId());
        form.put("product_id", spec.productId());
        form.put("mobile", spec.account());
        form.put("notify_url", context.notifyUrl() == null ? "" : context.notifyUrl().toString());
        form.put("userid", platform.merchantId());
        if (spec.faceValue() != null) {
            form.put("amount", spec.faceValue().stripTrailingZeros().toPlainString());
        }
        form.put("price", spec.priceCap().toPlainString());
        HttpAnswer answer;
        try {
            answer = context.http().postForm(platform.endpoint("index/recharge"), signed(platform, form));
        } catch (TransportException e) {
            return new SubmitAnswer.Unknown(reasonFor(e), "order: " + e.getMessage(), e.kind().maybeArrived());
        }
        if (!answer.ok()) {
            return new SubmitAnswer.Unknown(Reason.HTTP_ERROR, "order: HTTP " + answer.status() + " "
                    + snippet(answer.body()), true);
        }
        if (answer.body().isBlank()) {
            return new SubmitAnswer.Unknown(Reason.HTTP_ERROR, "order: HTTP 200 with an empty body", true);
        }
        JsonNode root = parse(answer.body());
        if (root == null || !root.has("errno")) {
            return new SubmitAnswer.Unknown(Reason.PROTOCOL_ERROR, "order: malformed answer: "
                    + snippet(answer.body()), true);
        }
        String message = root.path("errmsg").asString("");
        if (root.path("errno").asInt(-1) != 0) {
            return new SubmitAnswer.Refused(message);
        }
        JsonNode data = root.path("data");
        return new SubmitAnswer.Accepted(text(data, "order_number"), amount(data.path("total_price")), message);
    }

    @Override
    public QueryAnswer query(PlatformSettings platform, ProbeContext context) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("userid", platform.merchantId());
        form.put("out_trade_nums", context.clientOrderId());
        HttpAnswer answer;
        try {
            answer = context.http().postForm(platform.endpoint("index/check"), signed(platform, form));
        } catch (TransportException e) {
            return new QueryAnswer.Failed(reasonFor(e), "query: " + e.getMessage());
        }
        if (!answer.ok() || answer.body().isBlank()) {
            return new QueryAnswer.Failed(Reason.HTTP_ERROR, "query: HTTP " + answer.status() + " "
                    + snippet(answer.body()));
        }
        JsonNode root = parse(answer.body());
        if (root == null || !root.has("errno")) {
            return new QueryAnswer.Failed(Reason.PROTOCOL_ERROR, "query: malformed answer: " + snippet(answer.body()));
        }
        if (root.path("errno").asInt(-1) != 0) {
            String message = root.path("errmsg").asString("");
            Reason reason = RefusalClassifier.classify(message);
            return new QueryAnswer.Failed(reason.outcome() == cardwatch.probes.Outcome.ERROR ? reason
                    : Reason.PROTOCOL_ERROR, "query refused: " + message);
        }
        JsonNode data = root.path("data");
        for (JsonNode order : data.isArray() ? data : List.of(data)) {
            if (context.clientOrderId().equals(text(order, "out_trade_num"))) {
                OrderStatus status = status(order.path("state"), order, "");
                return status == null
                        ? new QueryAnswer.Failed(Reason.PROTOCOL_ERROR, "query: unknown state "
                                + snippet(order.path("state").toString()))
                        : new QueryAnswer.Found(status);
            }
        }
        return new QueryAnswer.NotFound(snippet(root.path("errmsg").asString("")));
    }

    @Override
    public BalanceAnswer balance(PlatformSettings platform, ProbeContext context) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("userid", platform.merchantId());
        HttpAnswer answer;
        try {
            answer = context.http().postForm(platform.endpoint("index/user"), signed(platform, form));
        } catch (TransportException e) {
            return new BalanceAnswer.Failed(reasonFor(e), "balance: " + e.getMessage());
        }
        JsonNode root = answer.ok() ? parse(answer.body()) : null;
        if (root == null || !root.has("errno")) {
            return new BalanceAnswer.Failed(answer.ok() ? Reason.PROTOCOL_ERROR : Reason.HTTP_ERROR,
                    "balance: HTTP " + answer.status() + " " + snippet(answer.body()));
        }
        if (root.path("errno").asInt(-1) != 0) {
            String message = root.path("errmsg").asString("");
            Reason reason = RefusalClassifier.classify(message);
            return new BalanceAnswer.Failed(reason.outcome() == cardwatch.probes.Outcome.ERROR ? reason
                    : Reason.PROTOCOL_ERROR, "balance refused: " + message);
        }
        BigDecimal balance = amount(root.path("data").path("balance"));
        return balance == null
                ? new BalanceAnswer.Failed(Reason.PROTOCOL_ERROR, "balance: no number in " + snippet(answer.body()))
                : new BalanceAnswer.Known(balance);
    }

    @Override
    public Notify parseNotify(PlatformSettings platform, Map<String, String> form) {
        String clientOrderId = form.get("out_trade_num");
        if (clientOrderId == null || clientOrderId.isBlank()) {
            return null;
        }
        String apiKey = platform.credentials().get(API_KEY).orElse("");
        boolean valid = !apiKey.isEmpty() && YrapiSigner.verify(form, apiKey)
                && platform.merchantId().equals(form.get("userid"));
        JsonNode fields = JSON.valueToTree(form);
        OrderStatus status = status(fields.path("state"), fields, form.getOrDefault("remark", ""));
        if (status == null) {
            status = new OrderStatus(OrderStatus.State.PROCESSING, form.get("order_number"), "", "unknown state "
                    + form.get("state"), null);
            valid = false;
        }
        return new Notify(clientOrderId, valid, status);
    }

    private static OrderStatus status(JsonNode stateNode, JsonNode order, String remark) {
        String raw = stateNode.asString("").trim();
        OrderStatus.State state = switch (raw) {
            case "-1" -> OrderStatus.State.CANCELLED;
            case "0" -> OrderStatus.State.PROCESSING;
            case "1" -> OrderStatus.State.SUCCESS;
            case "2" -> OrderStatus.State.FAILED;
            case "3" -> OrderStatus.State.PARTIAL;
            default -> null;
        };
        if (state == null) {
            return null;
        }
        String words = remark.isBlank() ? stateText(raw) : remark;
        return new OrderStatus(state, text(order, "order_number"), text(order, "charge_kami"), words,
                amount(order.path("charge_amount")));
    }

    private static String stateText(String state) {
        return switch (state) {
            case "-1" -> "取消";
            case "0" -> "充值中";
            case "1" -> "充值成功";
            case "2" -> "充值失败";
            default -> "部分成功";
        };
    }

    private static Map<String, String> signed(PlatformSettings platform, Map<String, String> form) {
        String apiKey = platform.credentials().get(API_KEY).orElseThrow();
        form.put("sign", YrapiSigner.sign(form, apiKey));
        return form;
    }

    static Reason reasonFor(TransportException e) {
        return Transports.reason(e);
    }

    private static JsonNode parse(String body) {
        try {
            JsonNode node = JSON.readTree(body);
            return node != null && node.isObject() ? node : null;
        } catch (JacksonException e) {
            return null;
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isMissingNode() || value.isNull() ? "" : value.asString("");
    }

    private static BigDecimal amount(JsonNode node) {
        try {
            String text = node.asString("").trim();
            return text.isEmpty() ? null : new BigDecimal(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String snippet(String body) {
        return Evidence.of(body, List.of());
    }
}
