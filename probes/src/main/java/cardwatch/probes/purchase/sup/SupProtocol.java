package cardwatch.probes.purchase.sup;

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
import java.nio.charset.Charset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The SUP-style direct top-up API of the Orderstatu_int family: form requests with {@code Action} CZ (下单), CX
 * (查询) and YE (余额); answers are GBK {@code k=v&k=v} signed over Orderid, Chargeid, Orderstatu_int and
 * Errorcode; the callback is the same fields, answered {@code OK}. Status: 0 等待处理, 1 暂停处理, 2 正在处理,
 * 6 正在缴费, 11 处理成功, 16 缴费成功, 20 取消处理, 21 处理失败, 26 缴费失败, 99 冻结.
 */
public final class SupProtocol implements PurchaseProtocol {

    public static final String NAME = "sup";
    public static final String KEY = "api-key";
    static final Charset GBK = Charset.forName("GBK");
    static final List<String> ORDER_FIELDS = List.of("Action", "AgentAccount", "Orderid", "ProductId", "Mobile",
            "Price", "Notifyurl");
    static final List<String> QUERY_FIELDS = List.of("Action", "AgentAccount", "Orderid");
    static final List<String> BALANCE_FIELDS = List.of("Action", "AgentAccount");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<String> requiredCredentials() {
        return List.of(KEY);
    }

    @Override
    public String notifyAcknowledgement() {
        return "OK";
    }

    @Override
    public Charset notifyCharset() {
        return GBK;
    }

    @Override
    public SubmitAnswer submit(PlatformSettings platform, ProbeContext context) {
        PurchaseSpec spec = platform.purchase();
        Map<String, String> form = new LinkedHashMap<>();
        form.put("Action", "CZ");
        form.put("AgentAccount", platform.merchantId());
        form.put("Orderid", context.clientOrderId());
        form.put("ProductId", spec.productId());
        form.put("Mobile", spec.account());
        form.put("Price", spec.priceCap().toPlainString());
        form.put("Notifyurl", context.notifyUrl() == null ? "" : context.notifyUrl().toString());
        Answer answer = call(platform, context, form, ORDER_FIELDS, "order");
        if (answer.unknown != null) {
            return answer.unknown;
        }
        Map<String, String> values = answer.values;
        if (!"0000".equals(values.get("Errorcode"))) {
            return new SubmitAnswer.Refused(values.getOrDefault("Errormsg", values.get("Errorcode")));
        }
        if (!SupSigner.verifyAnswer(values, key(platform))) {
            return new SubmitAnswer.Unknown(Reason.PROTOCOL_ERROR, "order: the answer's signature is invalid", true);
        }
        return new SubmitAnswer.Accepted(values.getOrDefault("Chargeid", ""), amount(values.get("OrderPayment")),
                values.getOrDefault("Orderstatu_text", ""));
    }

    @Override
    public QueryAnswer query(PlatformSettings platform, ProbeContext context) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("Action", "CX");
        form.put("AgentAccount", platform.merchantId());
        form.put("Orderid", context.clientOrderId());
        Answer answer = call(platform, context, form, QUERY_FIELDS, "query");
        if (answer.unknown != null) {
            return new QueryAnswer.Failed(answer.unknown.reason(), answer.unknown.evidence());
        }
        Map<String, String> values = answer.values;
        String error = values.getOrDefault("Errorcode", "");
        if (error.equals("1001") || values.getOrDefault("Errormsg", "").contains("不存在")) {
            return new QueryAnswer.NotFound(values.getOrDefault("Errormsg", ""));
        }
        if (!SupSigner.verifyAnswer(values, key(platform))) {
            return new QueryAnswer.Failed(Reason.PROTOCOL_ERROR, "query: the answer's signature is invalid");
        }
        if (!error.equals("0000")) {
            return new QueryAnswer.Failed(Reason.PROTOCOL_ERROR, "query refused: " + values.get("Errormsg"));
        }
        OrderStatus status = status(values);
        return status == null ? new QueryAnswer.Failed(Reason.PROTOCOL_ERROR, "query: unknown Orderstatu_int "
                + values.get("Orderstatu_int")) : new QueryAnswer.Found(status);
    }

    @Override
    public BalanceAnswer balance(PlatformSettings platform, ProbeContext context) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("Action", "YE");
        form.put("AgentAccount", platform.merchantId());
        Answer answer = call(platform, context, form, BALANCE_FIELDS, "balance");
        if (answer.unknown != null) {
            return new BalanceAnswer.Failed(answer.unknown.reason(), answer.unknown.evidence());
        }
        BigDecimal balance = amount(answer.values.get("Agentbalance"));
        if (!"0000".equals(answer.values.get("Errorcode")) || balance == null) {
            Reason reason = RefusalClassifier.classify(answer.values.getOrDefault("Errormsg", ""));
            return new BalanceAnswer.Failed(reason.outcome() == cardwatch.probes.Outcome.ERROR ? reason
                    : Reason.PROTOCOL_ERROR, "balance: " + answer.values);
        }
        return new BalanceAnswer.Known(balance);
    }

    @Override
    public Notify parseNotify(PlatformSettings platform, Map<String, String> form) {
        String orderId = form.get("Orderid");
        if (orderId == null || orderId.isBlank()) {
            return null;
        }
        boolean valid = SupSigner.verifyAnswer(form, key(platform));
        OrderStatus status = status(form);
        if (status == null) {
            return new Notify(orderId, false, new OrderStatus(OrderStatus.State.PROCESSING, form.get("Chargeid"), "",
                    "unknown Orderstatu_int " + form.get("Orderstatu_int"), null));
        }
        return new Notify(orderId, valid, status);
    }

    /** Maps Orderstatu_int; the 流水号 (Chargeid) is what a successful top-up delivers. */
    static OrderStatus status(Map<String, String> values) {
        String code = values.getOrDefault("Orderstatu_int", "").trim();
        OrderStatus.State state = switch (code) {
            case "0", "1", "2", "6" -> OrderStatus.State.PROCESSING;
            case "11", "16" -> OrderStatus.State.SUCCESS;
            case "20" -> OrderStatus.State.CANCELLED;
            case "21", "26", "99" -> OrderStatus.State.FAILED;
            default -> null;
        };
        if (state == null) {
            return null;
        }
        String chargeId = values.getOrDefault("Chargeid", "");
        return new OrderStatus(state, chargeId, state == OrderStatus.State.SUCCESS ? chargeId : "",
                values.getOrDefault("Orderstatu_text", ""), amount(values.get("OrderPayment")));
    }

    private record Answer(Map<String, String> values, SubmitAnswer.Unknown unknown) {
    }

    private Answer call(PlatformSettings platform, ProbeContext context, Map<String, String> form,
            List<String> signed, String step) {
        form.put("Sign", SupSigner.sign(form, signed, key(platform)));
        HttpAnswer answer;
        try {
            answer = context.http().postForm(platform.endpoint("api.aspx"), form, GBK);
        } catch (TransportException e) {
            return new Answer(null, new SubmitAnswer.Unknown(Transports.reason(e), step + ": " + e.getMessage(),
                    e.kind().maybeArrived()));
        }
        if (!answer.ok() || answer.body().isBlank()) {
            return new Answer(null, new SubmitAnswer.Unknown(Reason.HTTP_ERROR, step + ": HTTP " + answer.status(),
                    true));
        }
        Map<String, String> values = parse(answer.body());
        if (values.isEmpty() || !values.containsKey("Errorcode")) {
            return new Answer(null, new SubmitAnswer.Unknown(Reason.PROTOCOL_ERROR, step + ": malformed answer: "
                    + cardwatch.probes.Evidence.of(answer.body(), List.of()), true));
        }
        return new Answer(values, null);
    }

    /** {@code k=v&k=v}, values as sent (GBK already decoded by the transport). */
    static Map<String, String> parse(String body) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String pair : body.strip().split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                values.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
            }
        }
        return values;
    }

    private static String key(PlatformSettings platform) {
        return platform.credentials().get(KEY).orElse("");
    }

    private static BigDecimal amount(String text) {
        try {
            return text == null || text.isBlank() ? null : new BigDecimal(text.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
