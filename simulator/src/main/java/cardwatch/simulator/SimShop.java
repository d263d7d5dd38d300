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
import java.util.ArrayList;
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
 * What every simulated storefront does, whatever its pages look like: take orders (a buyer's key seen before gets its
 * order back, or the store's own refusal), hand a guest's unpaid order to the epay gateway through the buyer's
 * browser, hear the gateway's notify, take a buyer's account balance, and deliver. Delivery follows the upstream
 * stores: a product with automatic delivery ({@link #PRODUCT}) is delivered in the same step that marks it paid, a
 * card or, when the stock ran out under it, an apology; a product delivered by hand ({@link #MANUAL_PRODUCT}) waits
 * for the owner, here the profile's delivery delay. The profile's faults come on top: out of stock, oversold (refunded
 * at once, late or never), a double deduction from the balance, an order never delivered (stuck).
 */
abstract class SimShop implements AutoCloseable {

    /** Delivered automatically, from the store's cards. */
    static final String PRODUCT = SimulatedPlatform.PRODUCT_ID;
    /** Delivered by hand: paid, then 正在发货中 until the owner delivers. */
    static final String MANUAL_PRODUCT = "1002";
    static final BigDecimal PRICE = SimulatedPlatform.PRODUCT_PRICE;

    private static final Logger log = LoggerFactory.getLogger(SimShop.class);
    static final JsonMapper JSON = JsonMapper.builder().build();

    /** An order placed, or the store's refusal. */
    record Placed(ShopOrder order, String refusal) {
    }

    /** One entry of the buyer's account book (acg-faka's {@code bill}). */
    record Bill(long id, BigDecimal amount, BigDecimal balance, int type, String log, Instant at) {
    }

    private final EpayGateway gateway;
    private final Profile profile;
    private final String merchantKey;
    private final Clock clock;
    private final Random random;
    private final Map<String, ShopOrder> byOrderNo = new ConcurrentHashMap<>();
    private final Map<String, ShopOrder> byRequestNo = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> submissions = new ConcurrentHashMap<>();
    private final Object money = new Object();
    private BigDecimal balance = SimulatedPlatform.OPENING_BALANCE;
    private final List<Bill> bills = new ArrayList<>();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sim-shop");
        t.setDaemon(true);
        return t;
    });
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private volatile String baseUrl = "";

    SimShop(EpayGateway gateway, Profile profile, String merchantKey, Clock clock, long seed) {
        this.gateway = gateway;
        this.profile = profile;
        this.merchantKey = merchantKey;
        this.clock = clock;
        this.random = new Random(seed);
        this.platformId = profile.name();
        bills.add(new Bill(1, balance, balance, 1, "初始充值", clock.instant()));
    }

    /** The id its orders are counted under in {@link SimMetrics}; the profile's name unless the starter names it. */
    private volatile String platformId;

    void platformId(String id) {
        this.platformId = id;
    }

    /** Whether {@code request} is the gateway's notify to this store. */
    abstract boolean isCallback(SimRequest request);

    /** Where the gateway is told to notify this store about {@code order}. */
    abstract String notifyUrl(ShopOrder order);

    /** What the store answers a notify it accepted, and one it refused. */
    abstract SimAnswer callbackAnswer(String refusal);

    /** The store's own pages and API. */
    abstract SimAnswer route(SimRequest request);

    /** A new order number in the store's format. */
    abstract String orderNumber();

    /** Marks an order oversold after payment: the store's apology and status. */
    abstract void oversold(ShopOrder order);

    void baseUrl(String url) {
        this.baseUrl = url;
    }

    String baseUrl() {
        return baseUrl;
    }

    String gatewayUrl() {
        return gateway.baseUrl();
    }

    String merchantKey() {
        return merchantKey;
    }

    private volatile String footer = "";

    void footer(String html) {
        this.footer = html == null ? "" : html;
    }

    String footer() {
        return footer;
    }

    SimAnswer handle(SimRequest request) {
        if (isCallback(request)) {
            Map<String, String> params = new LinkedHashMap<>(request.form());
            params.putAll(request.query());
            return callbackAnswer(callback(params));
        }
        if (request.path().equals("/sim/orders")) {
            return groundTruth();
        }
        if (request.path().equals("/sim/metrics")) {
            return SimMetrics.answer();
        }
        return route(request);
    }

    /** The order a buyer's key placed before, counting the submission; null when the key is new. */
    ShopOrder seen(String key) {
        submissions.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
        return byRequestNo.get(key);
    }

    /** The product the store sells under {@code id}, or null. */
    static boolean sells(String id) {
        return PRODUCT.equals(id) || MANUAL_PRODUCT.equals(id);
    }

    /** An unpaid order for a guest who pays at the gateway. */
    Placed placeGuest(String key, String contact, String product, String searchPwd) {
        Fault fault = draw();
        if (fault == Fault.OUT_OF_STOCK) {
            return new Placed(null, "库存不足");
        }
        ShopOrder order = new ShopOrder(orderNumber(), key, contact, PRICE, product, false, clock.instant(), fault,
                searchPwd);
        remember(order);
        return new Placed(order, null);
    }

    /** An order paid from the buyer's account balance at once, and delivered as the product is. */
    Placed placeFromBalance(String key, String contact, String product) {
        Fault fault = draw();
        if (fault == Fault.OUT_OF_STOCK) {
            return new Placed(null, "库存不足");
        }
        ShopOrder order = new ShopOrder(orderNumber(), key, contact, PRICE, product, true, clock.instant(), fault,
                "");
        int deductions = fault == Fault.DOUBLE_CHARGE ? 2 : 1;
        synchronized (money) {
            if (balance.compareTo(PRICE.multiply(BigDecimal.valueOf(deductions))) < 0) {
                return new Placed(null, "余额不足");
            }
            for (int i = 0; i < deductions; i++) {
                balance = balance.subtract(PRICE);
                bills.add(new Bill(bills.size() + 1, PRICE, balance, 0, "商品下单[" + order.orderNo + "]",
                        clock.instant()));
            }
        }
        remember(order);
        paid(order);
        return new Placed(order, null);
    }

    /** The gateway's notify: checked, then the order is paid and delivered once, however often it comes. */
    private String callback(Map<String, String> params) {
        if (!EpayGateway.sign(params, merchantKey).equals(params.get("sign"))) {
            return "签名验证失败";
        }
        ShopOrder order = byOrderNo.get(params.getOrDefault("out_trade_no", ""));
        if (order == null) {
            return "订单不存在";
        }
        if (!"TRADE_SUCCESS".equals(params.get("trade_status"))) {
            return "状态验证失败";
        }
        BigDecimal paid;
        try {
            paid = new BigDecimal(params.getOrDefault("money", ""));
        } catch (NumberFormatException e) {
            return "订单金额不一致";
        }
        synchronized (order) {
            if (order.status == 1) {
                return "订单已经处理";
            }
            if (paid.compareTo(order.amount) != 0) {
                return "订单金额不一致";
            }
            order.gatewayTradeNo = params.getOrDefault("trade_no", "");
            paid(order);
        }
        return null;
    }

    /** Paid: an automatic product is delivered in the same step, a manual one by its owner later. */
    private void paid(ShopOrder order) {
        order.status = 1;
        order.paidAt = clock.instant();
        Fault fault = order.injected;
        if (fault == Fault.STUCK) {
            return;
        }
        if (fault == Fault.OVERSOLD || fault == Fault.NO_REFUND || fault == Fault.LATE_REFUND) {
            oversold(order);
            order.delivered = true;
            if (fault == Fault.OVERSOLD) {
                refund(order);
            } else if (fault == Fault.LATE_REFUND) {
                scheduler.schedule(() -> refund(order), profile.refundDelay().toMillis(), TimeUnit.MILLISECONDS);
            }
            return;
        }
        if (MANUAL_PRODUCT.equals(order.product)) {
            double gaussian;
            synchronized (random) {
                gaussian = random.nextGaussian();
            }
            long delay = (long) (profile.deliveryMedian().toMillis() * Math.exp(profile.deliverySigma() * gaussian));
            scheduler.schedule(() -> card(order), Math.max(0, delay), TimeUnit.MILLISECONDS);
            return;
        }
        card(order);
    }

    private void card(ShopOrder order) {
        synchronized (random) {
            order.secret = "KM" + Long.toString(Math.abs(random.nextLong()), 36).toUpperCase();
        }
        order.delivered = true;
    }

    private void refund(ShopOrder order) {
        if (order.fromBalance) {
            synchronized (money) {
                balance = balance.add(order.amount);
                bills.add(new Bill(bills.size() + 1, order.amount, balance, 1, "订单退款[" + order.orderNo + "]",
                        clock.instant()));
            }
            order.refunded = true;
            return;
        }
        Map<String, String> form = new LinkedHashMap<>();
        form.put("pid", EpayGateway.MERCHANT_PID);
        form.put("key", merchantKey);
        form.put("trade_no", order.gatewayTradeNo);
        form.put("money", order.amount.toPlainString());
        JsonNode answer = post(gateway.baseUrl() + "api.php?act=refund", form);
        order.refunded = answer != null && answer.path("code").asInt(-1) == 0;
    }

    /** Whether the order is closed unpaid by now; stores that expire orders say after how long. */
    Duration expiry() {
        return null;
    }

    /** The state a buyer sees now: 0 unpaid, 1 paid, 2 expired. */
    int statusNow(ShopOrder order) {
        Duration expiry = expiry();
        return order.status == 0 && expiry != null && clock.instant().isAfter(order.createdAt.plus(expiry)) ? 2
                : order.status;
    }

    /** The buyer's account balance. */
    BigDecimal balance() {
        synchronized (money) {
            return balance;
        }
    }

    /** The buyer's account book, newest first. */
    List<Bill> bills() {
        synchronized (money) {
            List<Bill> out = new ArrayList<>(bills);
            java.util.Collections.reverse(out);
            return out;
        }
    }

    List<ShopOrder> orders() {
        return byOrderNo.values().stream().sorted(Comparator.comparing((ShopOrder o) -> o.createdAt)
                .thenComparing(o -> o.orderNo)).toList();
    }

    ShopOrder byOrderNo(String orderNo) {
        return byOrderNo.get(orderNo);
    }

    Map<String, Long> submissions() {
        Map<String, Long> counts = new TreeMap<>();
        submissions.forEach((k, n) -> counts.put(k, n.get()));
        return counts;
    }

    Instant now() {
        return clock.instant();
    }

    double random() {
        synchronized (random) {
            return random.nextDouble();
        }
    }

    private Fault draw() {
        Fault fault = random() < profile.probability() ? profile.fault() : Fault.NONE;
        SimMetrics.order(platformId, fault);
        return fault;
    }

    private void remember(ShopOrder order) {
        byOrderNo.put(order.orderNo, order);
        byRequestNo.put(order.requestNo, order);
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

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
