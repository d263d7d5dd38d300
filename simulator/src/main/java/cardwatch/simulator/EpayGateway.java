package cardwatch.simulator;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A simulated epay (彩虹易支付) gateway. The store is its merchant: {@code mapi.php} opens a trade (a repeated
 * out_trade_no gets the same trade_no back), {@code api.php?act=order|query|refund} query, read balances and refund,
 * and a paid trade is notified to the store by GET, signed, expecting {@code success}. The buyer side is a wallet:
 * {@code pay.php} pays a trade from it. The profile decides the payment faults: risk refusals, double deduction,
 * and lost, late or duplicate notifies. Signatures are computed here independently of Cardwatch's signer.
 */
final class EpayGateway implements AutoCloseable {

    static final String MERCHANT_PID = "1001";
    static final String PAYER_ID = "2001";
    static final List<String> RISK_MESSAGES = List.of("该商品禁止出售", "你今天已无法再发起支付，请明天再试",
            "商户已封禁，无法支付！", "系统异常无法完成付款");

    private static final Logger log = LoggerFactory.getLogger(EpayGateway.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** One trade. */
    static final class Trade {
        final String tradeNo;
        final String outTradeNo;
        final String name;
        final BigDecimal money;
        final String notifyUrl;
        final String type;
        final Instant added;
        volatile int status;
        volatile Instant paidAt;
        volatile int deductions;

        Trade(String tradeNo, String outTradeNo, String name, BigDecimal money, String notifyUrl, String type,
                Instant added) {
            this.tradeNo = tradeNo;
            this.outTradeNo = outTradeNo;
            this.name = name;
            this.money = money;
            this.notifyUrl = notifyUrl;
            this.type = type;
            this.added = added;
        }
    }

    private final Profile profile;
    private final String merchantKey;
    private final String payerKey;
    private final Clock clock;
    private final Random random;
    private final Map<String, Trade> trades = new ConcurrentHashMap<>();
    private final Map<String, String> byOutTradeNo = new ConcurrentHashMap<>();
    private final Map<Fault, AtomicLong> injected = new ConcurrentHashMap<>();
    private final AtomicLong seq = new AtomicLong(2026_0000_0000L);
    private final Object money = new Object();
    private BigDecimal wallet = SimulatedPlatform.OPENING_BALANCE;
    private BigDecimal merchantFunds = BigDecimal.ZERO.setScale(2);
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sim-epay");
        t.setDaemon(true);
        return t;
    });
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private volatile String baseUrl = "";

    EpayGateway(Profile profile, String merchantKey, String payerKey, Clock clock, long seed) {
        this.profile = profile;
        this.merchantKey = merchantKey;
        this.payerKey = payerKey;
        this.clock = clock;
        this.random = new Random(seed);
    }

    void baseUrl(String url) {
        this.baseUrl = url;
    }

    String baseUrl() {
        return baseUrl;
    }

    /** Our (the payer's) wallet balance. */
    BigDecimal wallet() {
        synchronized (money) {
            return wallet;
        }
    }

    Map<Fault, Long> injectedCounts() {
        Map<Fault, Long> counts = new TreeMap<>();
        injected.forEach((f, n) -> counts.put(f, n.get()));
        return counts;
    }

    List<Trade> trades() {
        return List.copyOf(trades.values());
    }

    SimAnswer handle(SimRequest request) {
        return switch (request.path()) {
            case "/mapi.php" -> open(request);
            case "/pay.php" -> pay(request);
            case "/api.php" -> api(request);
            default -> SimAnswer.status(404, "not found");
        };
    }

    private SimAnswer open(SimRequest request) {
        Map<String, String> form = request.form();
        if (!MERCHANT_PID.equals(form.get("pid")) || !sign(form, merchantKey).equals(form.get("sign"))) {
            return fail("签名校验失败");
        }
        String outTradeNo = form.getOrDefault("out_trade_no", "");
        String existing = byOutTradeNo.get(outTradeNo);
        Trade trade = existing != null ? trades.get(existing) : null;
        if (trade == null) {
            trade = new Trade(String.valueOf(seq.incrementAndGet()), outTradeNo, form.getOrDefault("name", ""),
                    new BigDecimal(form.getOrDefault("money", "0")).setScale(2, RoundingMode.HALF_UP),
                    form.getOrDefault("notify_url", ""), form.getOrDefault("type", "alipay"), clock.instant());
            String raced = byOutTradeNo.putIfAbsent(outTradeNo, trade.tradeNo);
            if (raced != null) {
                trade = trades.get(raced);
            } else {
                trades.put(trade.tradeNo, trade);
            }
        }
        return SimAnswer.json(JSON.createObjectNode().put("code", 1).put("msg", "ok").put("trade_no", trade.tradeNo)
                .put("payurl", baseUrl + "submit.php?trade_no=" + trade.tradeNo).toString());
    }

    private SimAnswer pay(SimRequest request) {
        Map<String, String> form = request.form();
        if (!PAYER_ID.equals(form.get("payer_id")) || !sign(form, payerKey).equals(form.get("sign"))) {
            return fail("签名校验失败");
        }
        Trade trade = trades.get(form.getOrDefault("trade_no", ""));
        if (trade == null) {
            return fail("订单不存在");
        }
        Fault fault;
        synchronized (trade) {
            if (trade.status == 1 || trade.status == 2) {
                return receipt(trade);
            }
            fault = random() < profile.probability() ? profile.fault() : Fault.NONE;
            count(fault);
            if (fault == Fault.RISK_REJECTED) {
                return fail(RISK_MESSAGES.get((int) (random() * RISK_MESSAGES.size())));
            }
            int deductions = fault == Fault.DOUBLE_CHARGE ? 2 : 1;
            synchronized (money) {
                BigDecimal total = trade.money.multiply(BigDecimal.valueOf(deductions));
                if (wallet.compareTo(total) < 0) {
                    return fail("余额不足");
                }
                wallet = wallet.subtract(total);
                merchantFunds = merchantFunds.add(trade.money);
            }
            trade.deductions = deductions;
            trade.status = 1;
            trade.paidAt = clock.instant();
        }
        notifyStore(trade, fault);
        return receipt(trade);
    }

    private void notifyStore(Trade trade, Fault fault) {
        if (fault == Fault.NOTIFY_LOST) {
            return;
        }
        long delay = fault == Fault.NOTIFY_LATE ? profile.notifyDelay().toMillis() : 50;
        scheduler.schedule(() -> sendNotify(trade), delay, TimeUnit.MILLISECONDS);
        if (fault == Fault.DUPLICATE_NOTIFY) {
            scheduler.schedule(() -> sendNotify(trade), delay + 200, TimeUnit.MILLISECONDS);
        }
    }

    private void sendNotify(Trade trade) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("pid", MERCHANT_PID);
        params.put("trade_no", trade.tradeNo);
        params.put("out_trade_no", trade.outTradeNo);
        params.put("type", trade.type);
        params.put("name", trade.name);
        params.put("money", trade.money.toPlainString());
        params.put("trade_status", "TRADE_SUCCESS");
        params.put("sign", sign(params, merchantKey));
        params.put("sign_type", "MD5");
        String query = params.entrySet().stream().map(e -> e.getKey() + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        String url = trade.notifyUrl + (trade.notifyUrl.contains("?") ? "&" : "?") + query;
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
            log.debug("notify {} -> {} {}", trade.tradeNo, response.statusCode(), response.body());
        } catch (java.io.IOException | IllegalArgumentException e) {
            log.debug("notify {} failed: {}", trade.tradeNo, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private SimAnswer api(SimRequest request) {
        String pid = request.param("pid");
        String key = request.param("key");
        boolean merchant = MERCHANT_PID.equals(pid) && merchantKey.equals(key);
        boolean payer = PAYER_ID.equals(pid) && payerKey.equals(key);
        if (!merchant && !payer) {
            return fail("KEY校验失败");
        }
        return switch (request.param("act")) {
            case "query" -> SimAnswer.json(JSON.createObjectNode().put("code", 1).put("pid", pid).put("active", 1)
                    .put("money", (merchant ? merchantFunds() : wallet()).toPlainString()).toString());
            case "order" -> order(request);
            case "refund" -> merchant ? refund(request) : fail("无权退款");
            default -> fail("不支持的操作");
        };
    }

    private SimAnswer order(SimRequest request) {
        String tradeNo = request.param("trade_no");
        Trade trade = tradeNo.isEmpty() ? trades.get(byOutTradeNo.getOrDefault(request.param("out_trade_no"), ""))
                : trades.get(tradeNo);
        if (trade == null) {
            return fail("订单号不存在");
        }
        ObjectNode body = JSON.createObjectNode().put("code", 1).put("msg", "查询订单号成功！")
                .put("trade_no", trade.tradeNo).put("out_trade_no", trade.outTradeNo).put("type", trade.type)
                .put("pid", MERCHANT_PID).put("addtime", trade.added.toString())
                .put("endtime", trade.paidAt == null ? "" : trade.paidAt.toString()).put("name", trade.name)
                .put("money", trade.money.toPlainString()).put("status", trade.status);
        return SimAnswer.json(body.toString());
    }

    /** The store gives the money back: the trade turns 已退款 and the wallet gets every deduction back. */
    private SimAnswer refund(SimRequest request) {
        Trade trade = trades.get(request.param("trade_no"));
        if (trade == null || trade.status != 1) {
            return fail("订单不存在或未支付");
        }
        synchronized (trade) {
            if (trade.status != 1) {
                return fail("订单已退款");
            }
            trade.status = 2;
            synchronized (money) {
                wallet = wallet.add(trade.money);
                merchantFunds = merchantFunds.subtract(trade.money);
            }
        }
        return SimAnswer.json(JSON.createObjectNode().put("code", 1).put("msg", "退款成功").toString());
    }

    private BigDecimal merchantFunds() {
        synchronized (money) {
            return merchantFunds;
        }
    }

    private SimAnswer receipt(Trade trade) {
        return SimAnswer.json(JSON.createObjectNode().put("code", 1).put("msg", "支付成功")
                .put("trade_no", trade.tradeNo).put("money", trade.money.toPlainString())
                .put("paid_at", trade.paidAt.getEpochSecond()).toString());
    }

    private static SimAnswer fail(String message) {
        return SimAnswer.json(JSON.createObjectNode().put("code", -1).put("msg", message).toString());
    }

    private void count(Fault fault) {
        injected.computeIfAbsent(fault, f -> new AtomicLong()).incrementAndGet();
    }

    private double random() {
        synchronized (random) {
            return random.nextDouble();
        }
    }

    /** The gateway's own MD5: sorted, no sign / sign_type / empty values, the key appended, lower-case hex. */
    static String sign(Map<String, String> params, String key) {
        StringBuilder text = new StringBuilder();
        new TreeMap<>(params).forEach((k, v) -> {
            if (!k.equals("sign") && !k.equals("sign_type") && v != null && !v.isEmpty()) {
                text.append(text.length() == 0 ? "" : "&").append(k).append('=').append(v);
            }
        });
        text.append(key);
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5")
                    .digest(text.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
