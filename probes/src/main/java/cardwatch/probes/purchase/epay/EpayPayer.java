package cardwatch.probes.purchase.epay;

import cardwatch.probes.Evidence;
import cardwatch.probes.PayerSettings;
import cardwatch.probes.PlatformSettings;
import cardwatch.probes.ProbeContext;
import cardwatch.probes.Reason;
import cardwatch.probes.http.HttpAnswer;
import cardwatch.probes.http.TransportException;
import cardwatch.probes.purchase.BalanceAnswer;
import cardwatch.probes.purchase.Transports;
import cardwatch.probes.purchase.storefront.Payer;
import cardwatch.probes.purchase.storefront.Payment;
import cardwatch.probes.purchase.storefront.Storefront;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Pays a storefront's epay (彩虹易支付) trade from our wallet at the gateway: {@code pay.php} pays the trade the store
 * opened with {@code mapi.php}; {@code api.php?act=order} is the gateway's word on a trade (status 0 未支付,
 * 1 已支付, 2 已退款, 3 已冻结); {@code api.php?act=query} reads our wallet balance. Requests are signed with the
 * gateway's MD5 signature in the platform's variant.
 */
public final class EpayPayer implements Payer {

    public static final String KIND = "epay";
    public static final String KEY = "payer-key";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public List<String> requiredCredentials() {
        return List.of(KEY);
    }

    @Override
    public boolean paysAtCreation() {
        return false;
    }

    @Override
    public Paid pay(PlatformSettings platform, ProbeContext context, Payment payment) {
        PayerSettings payer = platform.payer();
        Map<String, String> form = new LinkedHashMap<>();
        form.put("payer_id", payer.account());
        form.put("trade_no", payment.tradeNo());
        form.put("money", payment.amount().toPlainString());
        form.put("sign_type", "MD5");
        form.put("sign", signer(payer).sign(form, key(platform)));
        HttpAnswer answer;
        try {
            answer = context.http().postForm(endpoint(payer, "pay.php"), form);
        } catch (TransportException e) {
            return new Paid.Unknown(Transports.reason(e), "pay: " + e.getMessage());
        }
        JsonNode root = json(answer);
        if (root == null) {
            return new Paid.Unknown(answer.ok() ? Reason.PROTOCOL_ERROR : Reason.HTTP_ERROR, "pay: HTTP "
                    + answer.status() + " " + Evidence.of(answer.body(), List.of()));
        }
        if (root.path("code").asInt(0) != 1) {
            return new Paid.Refused(root.path("msg").asString(""));
        }
        BigDecimal money = decimal(root.path("money"));
        Instant at = Instant.ofEpochSecond(root.path("paid_at").asLong(context.clock().instant().getEpochSecond()));
        return new Paid.Done(new Receipt(root.path("trade_no").asString(payment.tradeNo()),
                money == null ? payment.amount() : money, at));
    }

    @Override
    public Optional<String> paidEvidence(PlatformSettings platform, ProbeContext context, Payment payment) {
        if (payment == null || payment.tradeNo() == null || payment.tradeNo().isEmpty()) {
            return Optional.empty();
        }
        JsonNode root = api(platform, context, "order&trade_no=" + encode(payment.tradeNo()));
        if (root == null || root.path("code").asInt(0) != 1 || root.path("status").asInt(0) != 1) {
            return Optional.empty();
        }
        return Optional.of("the gateway says trade " + payment.tradeNo() + " is paid (status 1 已支付"
                + (root.path("endtime").isMissingNode() ? "" : ", " + root.path("endtime").asString("")) + ")");
    }

    @Override
    public BalanceAnswer balance(PlatformSettings platform, ProbeContext context, Storefront store) {
        JsonNode root = api(platform, context, "query");
        if (root == null) {
            return new BalanceAnswer.Failed(Reason.HTTP_ERROR, "balance: the gateway did not answer");
        }
        if (root.path("code").asInt(0) != 1) {
            return new BalanceAnswer.Failed(Reason.CREDENTIALS, "balance refused: " + root.path("msg").asString(""));
        }
        BigDecimal money = decimal(root.path("money"));
        return money == null ? new BalanceAnswer.Failed(Reason.PROTOCOL_ERROR, "balance: no money field")
                : new BalanceAnswer.Known(money);
    }

    /** {@code api.php?act=...&pid=&key=}: the gateway takes its key as a parameter on these calls. */
    private JsonNode api(PlatformSettings platform, ProbeContext context, String act) {
        PayerSettings payer = platform.payer();
        URI url = URI.create(endpoint(payer, "api.php") + "?act=" + act + "&pid=" + encode(payer.account())
                + "&key=" + encode(key(platform)));
        try {
            return json(context.http().get(url));
        } catch (TransportException e) {
            return null;
        }
    }

    static EpaySigner signer(PayerSettings payer) {
        return switch (payer.signStyle() == null ? "standard" : payer.signStyle()) {
            case "key-prefix" -> new EpaySigner(true, false);
            case "keep-empty" -> new EpaySigner(false, true);
            default -> EpaySigner.STANDARD;
        };
    }

    private static URI endpoint(PayerSettings payer, String path) {
        String base = payer.gateway().toString();
        return URI.create(base.endsWith("/") ? base + path : base + "/" + path);
    }

    private static String key(PlatformSettings platform) {
        return platform.credentials().get(KEY).orElse("");
    }

    private static JsonNode json(HttpAnswer answer) {
        if (!answer.ok()) {
            return null;
        }
        try {
            JsonNode node = JSON.readTree(answer.body());
            return node != null && node.isObject() ? node : null;
        } catch (JacksonException e) {
            return null;
        }
    }

    private static BigDecimal decimal(JsonNode node) {
        try {
            String text = node.asString("").trim();
            return text.isEmpty() ? null : new BigDecimal(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
