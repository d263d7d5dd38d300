package cardwatch.simulator;

import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
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
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;

/**
 * What every simulated storefront does, whatever its pages look like: take orders (idempotent by the buyer's key),
 * open the epay trade at the gateway over HTTP (the store is the gateway's merchant), hear the gateway's notify,
 * deliver a 卡密 after the profile's delay, or oversell and refund (at once, late, or never), and keep an account
 * balance for buyers who pay from it.
 */
abstract class SimShop implements AutoCloseable {

    static final String PRODUCT = SimulatedPlatform.PRODUCT_ID;
    static final BigDecimal PRICE = SimulatedPlatform.PRODUCT_PRICE;
    static final Duration EXPIRY = Duration.ofMinutes(10);

    private static final Logger log = LoggerFactory.getLogger(SimShop.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** An order placed, or why not. */
    record Placed(ShopOrder order, String refusal) {
    }

    private final EpayGateway gateway;
    private final Profile profile;
    private final String merchantKey;
    private final String storeToken;
    private final Clock clock;
    private final Random random;
    private final Map<String, ShopOrder> byOrderNo = new ConcurrentHashMap<>();
    private final Map<String, ShopOrder> byRequestNo = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> submissions = new ConcurrentHashMap<>();
    private final AtomicLong seq = new AtomicLong(100);
    private final Object money = new Object();
    private BigDecimal balance = SimulatedPlatform.OPENING_BALANCE;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sim-shop");
        t.setDaemon(true);
        return t;
    });
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private volatile String baseUrl = "";

    SimShop(EpayGateway gateway, Profile profile, String merchantKey, String storeToken, Clock clock, long seed) {
        this.gateway = gateway;
        this.profile = profile;
        this.merchantKey = merchantKey;
        this.storeToken = storeToken;
        this.clock = clock;
        this.random = new Random(seed);
        this.platformId = profile.name();
    }

    /** The id its orders are counted under in {@link SimMetrics}; the profile's name unless the starter names it. */
    private volatile String platformId;

    void platformId(String id) {
        this.platformId = id;
    }

    /** Where the gateway notifies this store. */
    abstract String callbackPath();

    /** What the store shows instead of a code when it oversold. */
    abstract String apology();

    /** The store's own pages and API. */
    abstract SimAnswer route(SimRequest request);

    void baseUrl(String url) {
        this.baseUrl = url;
    }

    private volatile String footer = "";

    void footer(String html) {
        this.footer = html == null ? "" : html;
    }

    String footer() {
        return footer;
    }

    SimAnswer handle(SimRequest request) {
        if (request.path().equals(callbackPath())) {
            return callback(request.query());
        }
        if (request.path().equals("/sim/orders")) {
            return groundTruth();
        }
        if (request.path().equals("/sim/metrics")) {
            return SimMetrics.answer();
        }
        return route(request);
    }

    /**
     * Places an order under the buyer's key (a repeated key gets the same order), pays it from the buyer's balance
     * when asked, or opens its trade at the gateway.
     */
    Placed place(String requestNo, String contact, String product, boolean fromBalance, SimRequest request) {
        String key = requestNo.isEmpty() ? contact : requestNo;
        submissions.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
        ShopOrder existing = byRequestNo.get(key);
        if (existing != null) {
            return new Placed(existing, null);
        }
        if (!PRODUCT.equals(product)) {
            return new Placed(null, "商品不存在");
        }
        if (fromBalance && !authorised(request)) {
            return new Placed(null, "请先登录");
        }
        Fault fault = random() < profile.probability() ? profile.fault() : Fault.NONE;
        SimMetrics.order(platformId, fault);
        String orderNo = orderNumber();
        if (fromBalance) {
            int deductions = fault == Fault.DOUBLE_CHARGE ? 2 : 1;
            synchronized (money) {
                BigDecimal total = PRICE.multiply(BigDecimal.valueOf(deductions));
                if (balance.compareTo(total) < 0) {
                    return new Placed(null, "余额不足");
                }
                balance = balance.subtract(total);
            }
            ShopOrder order = new ShopOrder(orderNo, key, contact, PRICE, "", "", true, clock.instant(), fault);
            order.status = 1;
            remember(order);
            deliverLater(order);
            return new Placed(order, null);
        }
        Map<String, String> form = new LinkedHashMap<>();
        form.put("pid", EpayGateway.MERCHANT_PID);
        form.put("type", "alipay");
        form.put("out_trade_no", orderNo);
        form.put("notify_url", baseUrl + callbackPath().substring(1));
        form.put("return_url", baseUrl);
        form.put("name", "1元话费卡");
        form.put("money", PRICE.toPlainString());
        form.put("clientip", "127.0.0.1");
        form.put("device", "pc");
        form.put("sign", EpayGateway.sign(form, merchantKey));
        form.put("sign_type", "MD5");
        JsonNode opened = post(gateway.baseUrl() + "mapi.php", form);
        if (opened == null || opened.path("code").asInt(0) != 1) {
            return new Placed(null, "支付通道异常: " + (opened == null ? "no answer" : opened.path("msg").asString("")));
        }
        ShopOrder order = new ShopOrder(orderNo, key, contact, PRICE, opened.path("payurl").asString(""),
                opened.path("trade_no").asString(""), false, clock.instant(), fault);
        remember(order);
        return new Placed(order, null);
    }

    /** The gateway's notify: checked, then the order is paid and delivered once, however often it comes. */
    private SimAnswer callback(Map<String, String> params) {
        if (!EpayGateway.sign(params, merchantKey).equals(params.get("sign"))) {
            return SimAnswer.status(400, "sign error");
        }
        ShopOrder order = byOrderNo.get(params.getOrDefault("out_trade_no", ""));
        if (order == null || !"TRADE_SUCCESS".equals(params.get("trade_status"))) {
            return SimAnswer.status(400, "fail");
        }
        synchronized (order) {
            if (order.status != 1) {
                order.status = 1;
                deliverLater(order);
            }
        }
        return SimAnswer.text("success", "text/plain; charset=utf-8");
    }

    private void deliverLater(ShopOrder order) {
        double gaussian;
        synchronized (random) {
            gaussian = random.nextGaussian();
        }
        long delay = (long) (profile.deliveryMedian().toMillis() * Math.exp(profile.deliverySigma() * gaussian));
        scheduler.schedule(() -> deliver(order), Math.max(0, delay), TimeUnit.MILLISECONDS);
    }

    private void deliver(ShopOrder order) {
        Fault fault = order.injected;
        boolean oversold = fault == Fault.OVERSOLD || fault == Fault.NO_REFUND || fault == Fault.LATE_REFUND;
        if (!oversold) {
            synchronized (random) {
                order.secret = "KM" + Long.toString(Math.abs(random.nextLong()), 36).toUpperCase();
            }
            order.delivered = true;
            return;
        }
        order.secret = apology();
        order.delivered = true;
        if (fault == Fault.OVERSOLD) {
            refund(order);
        } else if (fault == Fault.LATE_REFUND) {
            scheduler.schedule(() -> refund(order), profile.refundDelay().toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void refund(ShopOrder order) {
        if (order.fromBalance) {
            synchronized (money) {
                balance = balance.add(order.amount);
            }
            order.refunded = true;
            return;
        }
        String url = gateway.baseUrl() + "api.php?act=refund&pid=" + EpayGateway.MERCHANT_PID + "&key="
                + URLEncoder.encode(merchantKey, StandardCharsets.UTF_8) + "&trade_no=" + order.gatewayTradeNo
                + "&money=" + order.amount.toPlainString();
        JsonNode answer = post(url, Map.of());
        order.refunded = answer != null && answer.path("code").asInt(0) == 1;
    }

    /** The state a buyer sees now: unpaid orders close after ten minutes. */
    int statusNow(ShopOrder order) {
        return order.status == 0 && clock.instant().isAfter(order.createdAt.plus(EXPIRY)) ? 2 : order.status;
    }

    boolean authorised(SimRequest request) {
        return ("Bearer " + storeToken).equals(request.headers().get("authorization"));
    }

    BigDecimal balance() {
        synchronized (money) {
            return balance;
        }
    }

    List<ShopOrder> orders() {
        return byOrderNo.values().stream().sorted(Comparator.comparing((ShopOrder o) -> o.createdAt)
                .thenComparing(o -> o.orderNo)).toList();
    }

    ShopOrder byOrderNo(String orderNo) {
        return byOrderNo.get(orderNo);
    }

    ShopOrder byRequestNo(String key) {
        return byRequestNo.get(key);
    }

    Map<String, Long> submissions() {
        Map<String, Long> counts = new TreeMap<>();
        submissions.forEach((k, n) -> counts.put(k, n.get()));
        return counts;
    }

    Instant now() {
        return clock.instant();
    }

    private void remember(ShopOrder order) {
        byOrderNo.put(order.orderNo, order);
        byRequestNo.put(order.requestNo, order);
    }

    private String orderNumber() {
        return "SN" + clock.instant().toEpochMilli() % 100_000_000 + seq.incrementAndGet();
    }

    private JsonNode post(String url, Map<String, String> form) {
        String body = form.entrySet().stream().map(e -> e.getKey() + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(5)).header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(response.body());
        } catch (java.io.IOException | RuntimeException e) {
            log.debug("{} failed: {}", url, e.toString());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private SimAnswer groundTruth() {
        ArrayNode orders = JSON.createArrayNode();
        for (ShopOrder order : orders()) {
            orders.addObject().put("order_no", order.orderNo).put("request_no", order.requestNo)
                    .put("amount", order.amount.toPlainString()).put("status", statusNow(order))
                    .put("delivered", order.delivered).put("refunded", order.refunded)
                    .put("injected", order.injected.label());
        }
        return SimAnswer.json(orders.toString());
    }

    private double random() {
        synchronized (random) {
            return random.nextDouble();
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
