package cardwatch.probes.purchase.storefront;

import cardwatch.probes.Evidence;
import cardwatch.probes.PayerSettings;
import cardwatch.probes.PlatformSettings;
import cardwatch.probes.ProbeContext;
import cardwatch.probes.Reason;
import cardwatch.probes.http.HttpAnswer;
import cardwatch.probes.http.TransportException;
import cardwatch.probes.purchase.BalanceAnswer;
import cardwatch.probes.purchase.Transports;
import cardwatch.probes.purchase.epay.EpaySigner;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * A test double, not a protocol: it pays a gateway trade from a wallet that exists only in the simulated gateway
 * ({@code /sim/wallet/*}). Real epay (彩虹易支付) has no buyer wallet API: buyers pay by QR code. The double lets tests
 * drive a storefront order all the way to paid, through the store's real-shaped pay route and the gateway's real-shaped
 * notify, and so exercise what a real programmatic payer would meet: lost, late and duplicate notifies (回调失败),
 * double charges, oversold orders and refunds.
 */
public final class SimulatedWalletPayer implements Payer {

    public static final String KIND = "sim-wallet";
    public static final String KEY = "payer-key";

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
        form.put("sign", EpaySigner.STANDARD.sign(form, key(platform)));
        HttpAnswer answer;
        try {
            answer = context.http().postForm(endpoint(payer, "sim/wallet/pay"), form);
        } catch (TransportException e) {
            return new Paid.Unknown(Transports.reason(e), "pay: " + e.getMessage());
        }
        JsonNode root = answer.ok() ? StoreAnswers.json(answer.body()) : null;
        if (root == null) {
            return new Paid.Unknown(answer.ok() ? Reason.PROTOCOL_ERROR : Reason.HTTP_ERROR, "pay: HTTP "
                    + answer.status() + " " + Evidence.of(answer.body(), List.of()));
        }
        if (root.path("code").asInt(0) != 1) {
            return new Paid.Refused(root.path("msg").asString(""));
        }
        BigDecimal money = StoreAnswers.decimal(root.path("money").asString(""));
        Instant at = Instant.ofEpochSecond(root.path("paid_at").asLong(context.clock().instant().getEpochSecond()));
        return new Paid.Done(new Receipt(root.path("trade_no").asString(payment.tradeNo()),
                money == null ? payment.amount() : money, at));
    }

    @Override
    public Optional<String> paidEvidence(PlatformSettings platform, ProbeContext context, Payment payment) {
        if (payment == null || payment.tradeNo() == null || payment.tradeNo().isEmpty()) {
            return Optional.empty();
        }
        JsonNode root = wallet(platform, context, "trade&trade_no=" + encode(payment.tradeNo()));
        if (root == null || root.path("code").asInt(0) != 1 || root.path("status").asInt(0) != 1) {
            return Optional.empty();
        }
        return Optional.of("the gateway says trade " + payment.tradeNo() + " is paid (status 1 已支付)");
    }

    @Override
    public BalanceAnswer balance(PlatformSettings platform, ProbeContext context, Storefront store) {
        JsonNode root = wallet(platform, context, "balance");
        if (root == null || root.path("code").asInt(0) != 1) {
            return new BalanceAnswer.Failed(Reason.HTTP_ERROR, "balance: the wallet did not answer");
        }
        BigDecimal money = StoreAnswers.decimal(root.path("money").asString(""));
        return money == null ? new BalanceAnswer.Failed(Reason.PROTOCOL_ERROR, "balance: no money field")
                : new BalanceAnswer.Known(money);
    }

    private JsonNode wallet(PlatformSettings platform, ProbeContext context, String act) {
        PayerSettings payer = platform.payer();
        URI url = URI.create(endpoint(payer, "sim/wallet/" + act.replaceFirst("&", "?")) + (act.contains("&")
                ? "&" : "?") + "payer_id=" + encode(payer.account()) + "&key=" + encode(key(platform)));
        try {
            HttpAnswer answer = context.http().get(url);
            return answer.ok() ? StoreAnswers.json(answer.body()) : null;
        } catch (TransportException e) {
            return null;
        }
    }

    private static URI endpoint(PayerSettings payer, String path) {
        return StoreAnswers.endpoint(payer.gateway(), path);
    }

    private static String key(PlatformSettings platform) {
        return platform.credentials().get(KEY).orElse("");
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
