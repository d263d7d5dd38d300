package cardwatch.simulator;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.Charset;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The money and orders of a simulated direct top-up platform, whatever protocol it speaks: a merchant balance, an
 * order book, the profile's faults, refunds landing by the platform's clock, and the async notifies. The dialects
 * ({@link YrapiPlatform}, {@link SupPlatform}) only encode requests and answers.
 */
public final class TopUpBook implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TopUpBook.class);
    private static final Duration NOTIFY_RETRY = Duration.ofSeconds(60);
    private static final int NOTIFY_ATTEMPTS = 5;

    /** What became of an order request. */
    public sealed interface Take {
        /** Refused in so many words; nothing was taken. */
        record Refused(String message) implements Take {
        }

        record Taken(SimOrder order) implements Take {
        }
    }

    private final String id;
    private final Profile profile;
    private final Map<String, BigDecimal> productPrices;
    private final Clock clock;
    private final Random random;
    private final Map<String, SimOrder> orders = new ConcurrentHashMap<>();
    private final AtomicLong orderSeq = new AtomicLong(100_000);
    private final Map<Fault, AtomicLong> injected = new ConcurrentHashMap<>();
    private final Set<String> refunded = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicLong> submissions = new ConcurrentHashMap<>();
    private final Object money = new Object();
    private BigDecimal balance;
    private final ScheduledExecutorService notifier;
    private final boolean ownNotifier;
    /** One client for every book: each client keeps a selector thread. */
    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public TopUpBook(String id, Profile profile, BigDecimal balance, Map<String, BigDecimal> productPrices,
            Clock clock, long seed) {
        this(id, profile, balance, productPrices, clock, seed, null);
    }

    /** A book whose deliveries and notifies run on {@code notifier}, shared with other books (it is not closed). */
    public TopUpBook(String id, Profile profile, BigDecimal balance, Map<String, BigDecimal> productPrices,
            Clock clock, long seed, ScheduledExecutorService notifier) {
        this.id = id;
        this.profile = profile;
        this.balance = balance.setScale(2, RoundingMode.HALF_UP);
        this.productPrices = Map.copyOf(productPrices);
        this.clock = clock;
        this.random = new Random(seed);
        this.ownNotifier = notifier == null;
        this.notifier = notifier != null ? notifier : Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sim-notify-" + id);
            t.setDaemon(true);
            return t;
        });
    }

    public String id() {
        return id;
    }

    private volatile String footer = "";

    /** The home page's footer HTML (its ICP filing, say). */
    public void footer(String html) {
        this.footer = html == null ? "" : html;
    }

    String footer() {
        return footer;
    }

    public Profile profile() {
        return profile;
    }

    public Instant now() {
        return clock.instant();
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

    /** The order book, oldest first. */
    public List<SimOrder> orders() {
        return orders.values().stream().sorted(Comparator.comparing(SimOrder::createdAt)
                .thenComparing(SimOrder::orderNumber)).toList();
    }

    public SimOrder find(String outTradeNum) {
        return orders.get(outTradeNum);
    }

    /** How many times each merchant order id was submitted, refused repeats included. */
    public Map<String, Long> submissions() {
        Map<String, Long> counts = new TreeMap<>();
        submissions.forEach((key, n) -> counts.put(key, n.get()));
        return counts;
    }

    /**
     * How many order attempts met each fault, refusals and hard-down answers included: the simulator's own
     * ground truth of what it did.
     */
    public Map<Fault, Long> injectedCounts() {
        Map<Fault, Long> counts = new EnumMap<>(Fault.class);
        injected.forEach((fault, n) -> counts.put(fault, n.get()));
        return counts;
    }

    /**
     * What a request gets before any dialect reads it: the ground truth for {@code sim/} paths, or the profile's
     * hard-down or hung answer; null when the dialect should answer.
     */
    SimAnswer intercept(String path, boolean isOrder) {
        if (path.startsWith("sim/")) {
            return GroundTruth.answer(this, path);
        }
        boolean perRequest = profile.fault() == Fault.DOWN || profile.fault() == Fault.HUNG;
        Fault fault = perRequest && random() < profile.probability() ? profile.fault() : Fault.NONE;
        if (fault != Fault.NONE && isOrder) {
            count(fault);
        }
        return switch (fault) {
            case DOWN -> SimAnswer.down();
            case HUNG -> SimAnswer.hung(profile.answerDelay());
            default -> null;
        };
    }

    /**
     * Takes an order: counts the submission, checks the product and price, injects the profile's fault, refuses a
     * repeated order id, deducts the price (twice for a double charge) and schedules completion, when
     * {@code onComplete} receives the order.
     */
    Take take(String outTradeNum, String productId, String account, String maxPrice, Consumer<SimOrder> onComplete) {
        submissions.computeIfAbsent(outTradeNum, k -> new AtomicLong()).incrementAndGet();
        if (outTradeNum.isBlank()) {
            return new Take.Refused("商户订单号不能为空");
        }
        BigDecimal price = productPrices.get(productId);
        if (price == null) {
            return new Take.Refused("产品不存在");
        }
        if (maxPrice != null && !maxPrice.isBlank() && price.compareTo(new BigDecimal(maxPrice)) > 0) {
            return new Take.Refused("产品成本超过最高成本，提单驳回");
        }
        Fault fault = orderFault();
        count(fault);
        if (fault == Fault.OUT_OF_STOCK) {
            return new Take.Refused("库存不足，请稍后再试");
        }
        if (fault == Fault.RISK_REJECTED) {
            return new Take.Refused("风控拦截：该账号今日下单次数超过限制");
        }
        SimOrder order;
        synchronized (money) {
            if (orders.containsKey(outTradeNum)) {
                // the 大猿人 API's answer to a repeated out_trade_num (errno 1): an order of ours it holds already
                return new Take.Refused("已经存在相同商户订单号的订单");
            }
            settle();
            if (balance.compareTo(price) < 0) {
                return new Take.Refused("余额不足");
            }
            order = newOrder(outTradeNum, productId, account, price, fault);
            balance = balance.subtract(order.charged());
            orders.put(outTradeNum, order);
        }
        log.debug("{}: order {} for {} takes {} ({})", id, order.orderNumber(), outTradeNum, price, fault.label());
        if (order.completesAt() != null) {
            long delayMillis = Math.max(0, Duration.between(clock.instant(), order.completesAt()).toMillis());
            notifier.schedule(() -> onComplete.accept(order), delayMillis, TimeUnit.MILLISECONDS);
        }
        return new Take.Taken(order);
    }

    private SimOrder newOrder(String outTradeNum, String productId, String account, BigDecimal price, Fault fault) {
        Instant now = clock.instant();
        String orderNumber = "XY" + orderSeq.incrementAndGet();
        Instant completesAt = fault == Fault.STUCK ? null : now.plus(deliveryDelay());
        int finalState;
        String code;
        synchronized (random) {
            finalState = switch (fault) {
                case UPSTREAM_FAILED -> new int[] {2, -1, 3}[random.nextInt(3)];
                case NO_REFUND, LATE_REFUND -> 2;
                default -> 1;
            };
            code = switch (fault) {
                case NO_CODE -> "抱歉，系统繁忙，卡密稍后补发，请联系客服处理";
                case UPSTREAM_FAILED, NO_REFUND, LATE_REFUND -> "";
                default -> "KM" + Long.toString(Math.abs(random.nextLong()), 36).toUpperCase();
            };
        }
        BigDecimal charged = fault == Fault.DOUBLE_CHARGE ? price.add(price) : price;
        BigDecimal refund = BigDecimal.ZERO;
        Instant refundAt = null;
        if (finalState != 1 && fault != Fault.NO_REFUND) {
            refund = finalState == 3 ? price.divide(BigDecimal.valueOf(2), 2, RoundingMode.DOWN) : price;
            refundAt = fault == Fault.LATE_REFUND ? completesAt.plus(profile.refundDelay()) : completesAt;
        }
        return new SimOrder(orderNumber, outTradeNum, productId, account, price, now, fault, finalState, completesAt,
                code, charged, refund, refundAt);
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
        SimMetrics.order(id, fault);
    }

    private double random() {
        synchronized (random) {
            return random.nextDouble();
        }
    }

    /**
     * POSTs a notify form (encoded by the dialect) to the merchant, retrying every minute up to five times until
     * it answers {@code ack}.
     */
    void sendNotify(String notifyUrl, String body, Charset charset, String ack, int attempt) {
        if (notifyUrl == null || notifyUrl.isBlank()) {
            return;
        }
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(notifyUrl))
                    .timeout(Duration.ofSeconds(5))
                    .header("Content-Type", "application/x-www-form-urlencoded; charset=" + charset.name())
                    .POST(HttpRequest.BodyPublishers.ofString(body, charset)).build();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200 && response.body().trim().equals(ack)) {
                return;
            }
        } catch (java.io.IOException | IllegalArgumentException e) {
            log.debug("{}: notify to {} failed: {}", id, notifyUrl, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (attempt < NOTIFY_ATTEMPTS && !notifier.isShutdown()) {
            notifier.schedule(() -> sendNotify(notifyUrl, body, charset, ack, attempt + 1), NOTIFY_RETRY.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void close() {
        if (ownNotifier) {
            notifier.shutdownNow();
        }
    }
}
