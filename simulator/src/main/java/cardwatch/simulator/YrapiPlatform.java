package cardwatch.simulator;

import java.math.BigDecimal;
import java.math.RoundingMode;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A direct top-up reseller platform speaking the 大猿人 {@code yrapi.php} protocol, with a balance, an order
 * book and a failure profile. It refuses a repeated merchant order id as the real API does, deducts the
 * price when it takes an order, returns it when the supplier fails, and sends the signed async notify.
 */
public final class YrapiPlatform implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(YrapiPlatform.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration NOTIFY_RETRY = Duration.ofSeconds(60);
    private static final int NOTIFY_ATTEMPTS = 5;

    private final String id;
    private final Profile profile;
    private final String merchantId;
    private final String apiKey;
    private final Map<String, BigDecimal> productPrices;
    private final Clock clock;
    private final Random random;
    private final Map<String, SimOrder> orders = new ConcurrentHashMap<>();
    private final AtomicLong orderSeq = new AtomicLong(100_000);
    private final Map<Fault, AtomicLong> injected = new ConcurrentHashMap<>();
    private final java.util.Set<String> refunded = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicLong> submissions = new ConcurrentHashMap<>();
    private final Object money = new Object();
    private BigDecimal balance;
    private final ScheduledExecutorService notifier;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public YrapiPlatform(String id, Profile profile, String merchantId, String apiKey, BigDecimal balance,
            Map<String, BigDecimal> productPrices, Clock clock, long seed) {
        this.id = id;
        this.profile = profile;
        this.merchantId = merchantId;
        this.apiKey = apiKey;
        this.balance = balance.setScale(2, RoundingMode.HALF_UP);
        this.productPrices = Map.copyOf(productPrices);
        this.clock = clock;
        this.random = new Random(seed);
        this.notifier = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sim-notify-" + id);
            t.setDaemon(true);
            return t;
        });
    }

    public String id() {
        return id;
    }

    public Profile profile() {
        return profile;
    }

    public String merchantId() {
        return merchantId;
    }

    /** The merchant balance now, refunds that are due included. */
    public BigDecimal balance() {
        synchronized (money) {
            settle();
            return balance;
        }
    }

    /** Changes the balance behind everyone's back: what an unexplained deduction or top-up looks like. */
    public void adjustBalance(BigDecimal delta) {
        synchronized (money) {
            balance = balance.add(delta);
        }
    }

    /** Lands the refunds whose time has come, by this platform's clock. Call with {@code money} held. */
    private void settle() {
        Instant now = clock.instant();
        for (SimOrder order : orders.values()) {
            if (order.refundAt() != null && !now.isBefore(order.refundAt()) && refunded.add(order.outTradeNum())) {
                balance = balance.add(order.refund());
            }
        }
    }

    /** The order book, oldest first. */
    public List<SimOrder> orders() {
        return orders.values().stream().sorted(Comparator.comparing(SimOrder::createdAt)
                .thenComparing(SimOrder::orderNumber)).toList();
    }

    /** Handles one request; {@code path} is the part after the base URL, e.g. {@code index/recharge}. */
    SimAnswer handle(String path, Map<String, String> form) {
        if (path.startsWith("sim/")) {
            return groundTruth(path);
        }
        Fault perRequest = perRequestFault();
        if (perRequest == Fault.DOWN) {
            if (path.equals("index/recharge")) {
                count(Fault.DOWN);
            }
            return random() < 0.5 ? SimAnswer.status(503, "<html><body>503 Service Unavailable</body></html>")
                    : SimAnswer.connectionReset();
        }
        if (perRequest == Fault.HUNG) {
            if (path.equals("index/recharge")) {
                count(Fault.HUNG);
            }
            return SimAnswer.status(504, "<html><body>504 Gateway Time-out</body></html>")
                    .delayedBy(profile.answerDelay());
        }
        return switch (path) {
            case "index/recharge" -> recharge(form);
            case "index/check" -> check(form);
            case "index/user" -> user(form);
            default -> SimAnswer.status(404, "not found");
        };
    }

    private Fault perRequestFault() {
        boolean perRequest = profile.fault() == Fault.DOWN || profile.fault() == Fault.HUNG;
        return perRequest && random() < profile.probability() ? profile.fault() : Fault.NONE;
    }

    private SimAnswer recharge(Map<String, String> form) {
        SimAnswer refusal = authenticate(form);
        if (refusal != null) {
            return refusal;
        }
        String outTradeNum = form.getOrDefault("out_trade_num", "");
        submissions.computeIfAbsent(outTradeNum, k -> new AtomicLong()).incrementAndGet();
        if (outTradeNum.isBlank()) {
            return refuse("商户订单号不能为空");
        }
        BigDecimal price = productPrices.get(form.getOrDefault("product_id", ""));
        if (price == null) {
            return refuse("产品不存在");
        }
        String maxPrice = form.get("price");
        if (maxPrice != null && !maxPrice.isBlank() && price.compareTo(new BigDecimal(maxPrice)) > 0) {
            return refuse("产品成本超过最高成本，提单驳回");
        }
        Fault fault = orderFault();
        count(fault);
        if (fault == Fault.OUT_OF_STOCK) {
            return refuse("库存不足，请稍后再试");
        }
        if (fault == Fault.RISK_REJECTED) {
            return refuse("风控拦截：该账号今日下单次数超过限制");
        }
        SimOrder order;
        synchronized (money) {
            if (orders.containsKey(outTradeNum)) {
                return refuse("订单号重复，相同订单号不能提单");
            }
            settle();
            if (balance.compareTo(price) < 0) {
                return refuse("余额不足");
            }
            order = newOrder(outTradeNum, form, price, fault);
            balance = balance.subtract(order.charged());
            orders.put(outTradeNum, order);
        }
        log.debug("{}: order {} for {} takes {} ({})", id, order.orderNumber(), outTradeNum, price, fault.label());
        if (order.completesAt() != null) {
            long delayMillis = Math.max(0, Duration.between(clock.instant(), order.completesAt()).toMillis());
            notifier.schedule(() -> complete(order, form.get("notify_url")), delayMillis, TimeUnit.MILLISECONDS);
        }
        Duration answerAfter = profile.submitDelay();
        if (fault == Fault.MALFORMED) {
            return SimAnswer.json("{\"errno\":0,\"errmsg\":\"下单成功\",\"data\":{\"order_number\":\""
                    + order.orderNumber() + "\",<br/><b>Warning</b>: mysqli_connect(): Too many connections");
        }
        ObjectNode data = JSON.createObjectNode()
                .put("order_number", order.orderNumber())
                .put("mobile", order.mobile())
                .put("product_id", order.productId())
                .put("total_price", price.toPlainString())
                .put("out_trade_num", outTradeNum)
                .put("title", "话费直充");
        return ok("下单成功", data).delayedBy(answerAfter);
    }

    private SimOrder newOrder(String outTradeNum, Map<String, String> form, BigDecimal price, Fault fault) {
        Instant now = clock.instant();
        String orderNumber = "XY" + orderSeq.incrementAndGet();
        Instant completesAt = fault == Fault.STUCK ? null : now.plus(deliveryDelay());
        int finalState = switch (fault) {
            case UPSTREAM_FAILED -> new int[] {2, -1, 3}[random.nextInt(3)];
            case NO_REFUND, LATE_REFUND -> 2;
            default -> 1;
        };
        String code = switch (fault) {
            case NO_CODE -> "抱歉，卡密库存不足，请联系客服处理";
            case UPSTREAM_FAILED, NO_REFUND, LATE_REFUND -> "";
            default -> "KM" + Long.toString(Math.abs(random.nextLong()), 36).toUpperCase();
        };
        BigDecimal charged = fault == Fault.DOUBLE_CHARGE ? price.add(price) : price;
        BigDecimal refund = BigDecimal.ZERO;
        Instant refundAt = null;
        if (finalState != 1 && fault != Fault.NO_REFUND) {
            refund = finalState == 3 ? price.divide(BigDecimal.valueOf(2), 2, RoundingMode.DOWN) : price;
            refundAt = fault == Fault.LATE_REFUND ? completesAt.plus(profile.refundDelay()) : completesAt;
        }
        return new SimOrder(orderNumber, outTradeNum, form.getOrDefault("product_id", ""),
                form.getOrDefault("mobile", ""), price, now, fault, finalState, completesAt, code, charged, refund,
                refundAt);
    }

    private Duration deliveryDelay() {
        double gaussian;
        synchronized (random) {
            gaussian = random.nextGaussian();
        }
        double millis = profile.deliveryMedian().toMillis() * Math.exp(profile.deliverySigma() * gaussian);
        return Duration.ofMillis((long) Math.min(millis, Duration.ofMinutes(30).toMillis()));
    }

    private Fault orderFault() {
        boolean perOrder = profile.fault() != Fault.DOWN && profile.fault() != Fault.HUNG;
        return perOrder && random() < profile.probability() ? profile.fault() : Fault.NONE;
    }

    private void count(Fault fault) {
        injected.computeIfAbsent(fault, f -> new AtomicLong()).incrementAndGet();
    }

    private double random() {
        synchronized (random) {
            return random.nextDouble();
        }
    }

    private void complete(SimOrder order, String notifyUrl) {
        if (order.injected() == Fault.NOTIFY_LOST || notifyUrl == null || notifyUrl.isBlank()) {
            return;
        }
        Map<String, String> notify = new LinkedHashMap<>();
        notify.put("userid", merchantId);
        notify.put("order_number", order.orderNumber());
        notify.put("out_trade_num", order.outTradeNum());
        notify.put("otime", String.valueOf(order.completesAt().getEpochSecond()));
        notify.put("state", String.valueOf(order.finalState()));
        notify.put("mobile", order.mobile());
        notify.put("remark", remark(order.finalState()));
        notify.put("charge_amount", order.finalState() == 1 ? order.price().toPlainString() : "0");
        notify.put("voucher", "");
        notify.put("charge_kami", order.code());
        String key = order.injected() == Fault.BAD_SIGNATURE ? apiKey + "-rotated" : apiKey;
        notify.put("sign", YrapiSignature.of(notify, key));
        sendNotify(notifyUrl, notify, 1);
    }

    private void sendNotify(String notifyUrl, Map<String, String> notify, int attempt) {
        String body = notify.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(notifyUrl))
                    .timeout(Duration.ofSeconds(5))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200 && response.body().trim().equals("success")) {
                return;
            }
        } catch (java.io.IOException | IllegalArgumentException e) {
            log.debug("{}: notify to {} failed: {}", id, notifyUrl, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (attempt < NOTIFY_ATTEMPTS && !notifier.isShutdown()) {
            notifier.schedule(() -> sendNotify(notifyUrl, notify, attempt + 1), NOTIFY_RETRY.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
    }

    private SimAnswer check(Map<String, String> form) {
        SimAnswer refusal = authenticate(form);
        if (refusal != null) {
            return refusal;
        }
        Instant now = clock.instant();
        ArrayNode data = JSON.createArrayNode();
        for (String outTradeNum : form.getOrDefault("out_trade_nums", "").split(",")) {
            SimOrder order = orders.get(outTradeNum.trim());
            if (order == null) {
                continue;
            }
            int state = order.stateAt(now);
            data.addObject()
                    .put("order_number", order.orderNumber())
                    .put("out_trade_num", order.outTradeNum())
                    .put("create_time", order.createdAt().getEpochSecond())
                    .put("mobile", order.mobile())
                    .put("product_id", order.productId())
                    .put("charge_amount", state == 1 ? order.price().toPlainString() : "0")
                    .put("charge_kami", state == 1 ? order.code() : "")
                    .put("state", state);
        }
        return ok("查询成功", data);
    }

    private SimAnswer user(Map<String, String> form) {
        SimAnswer refusal = authenticate(form);
        if (refusal != null) {
            return refusal;
        }
        ObjectNode data = JSON.createObjectNode().put("id", merchantId).put("username", id)
                .put("balance", balance().toPlainString());
        return ok("ok", data);
    }

    private SimAnswer authenticate(Map<String, String> form) {
        if (!merchantId.equals(form.get("userid"))) {
            return refuse("商户不存在");
        }
        String sign = form.getOrDefault("sign", "");
        if (!sign.equalsIgnoreCase(YrapiSignature.of(form, apiKey))) {
            return refuse("签名错误");
        }
        return null;
    }

    private SimAnswer groundTruth(String path) {
        if (path.equals("sim/balance")) {
            return SimAnswer.json(JSON.createObjectNode().put("balance", balance().toPlainString()).toString());
        }
        ArrayNode book = JSON.createArrayNode();
        Instant now = clock.instant();
        for (SimOrder order : orders()) {
            book.addObject()
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
        return SimAnswer.json(book.toString());
    }

    private static String remark(int state) {
        return switch (state) {
            case 1 -> "充值成功";
            case 2 -> "充值失败";
            case -1 -> "订单已取消";
            case 3 -> "部分成功";
            default -> "充值中";
        };
    }

    private static SimAnswer ok(String message, tools.jackson.databind.JsonNode data) {
        ObjectNode body = JSON.createObjectNode().put("errno", 0).put("errmsg", message);
        body.set("data", data);
        return SimAnswer.json(body.toString());
    }

    private static SimAnswer refuse(String message) {
        return SimAnswer.json(JSON.createObjectNode().put("errno", 1).put("errmsg", message).toString());
    }

    @Override
    public void close() {
        notifier.shutdownNow();
    }

    /** How many times each merchant order id was submitted, refused repeats included. */
    public Map<String, Long> submissions() {
        Map<String, Long> counts = new java.util.TreeMap<>();
        submissions.forEach((id, n) -> counts.put(id, n.get()));
        return counts;
    }

    /**
     * How many order attempts met each fault, refusals and hard-down answers included: the simulator's own
     * ground truth of what it did.
     */
    public Map<Fault, Long> injectedCounts() {
        Map<Fault, Long> counts = new java.util.EnumMap<>(Fault.class);
        injected.forEach((fault, n) -> counts.put(fault, n.get()));
        return counts;
    }
}
