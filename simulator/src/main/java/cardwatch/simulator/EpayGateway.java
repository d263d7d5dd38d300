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
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
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
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A simulated 彩虹易支付 (epay) gateway, its answers shaped after LifeAndDeathh/Rainbow_Epay at 2479c4d. The stores
 * are its merchant:
 * <ul>
 * <li>{@code submit.php} ({@code submit.php}): the buyer's browser arrives with the store's signed parameters; a
 * refusal is the {@code sysmsg} page (站点提示信息); a repeated {@code out_trade_no} gets its trade back, or is
 * refused once paid or when its parameters changed; a new trade answers the {@code submitTemplate} page that replaces
 * the location with {@code /pay/qrcode/{trade_no}/}, whose page ({@code includes/pages/alipay_qrcode.php}) shows
 * {@code .amount}, the name and the trade number.</li>
 * <li>{@code mapi.php}: the same for a server, answering {@code {code:1, trade_no, payurl}}.</li>
 * <li>{@code api.php}: {@code act} by GET only; {@code act=order} answers only the merchant's own trades;
 * {@code act=refund} takes its fields in the POST body and needs the merchant's refund switch.</li>
 * <li>The notify ({@code creat_callback} in {@code includes/functions.php}): a GET with {@code money} as PHP prints a
 * float ("1", not "1.00"), {@code param} echoed when set, {@code trade_status=TRADE_SUCCESS}; answered without
 * "success" it is retried by {@code cron.php} 1, 2, 16 and 36 minutes apart.</li>
 * <li>{@code includes/txprotect.php}: pages answer 404 to a client without an {@code Accept} header, with no
 * User-Agent, or with a library's (python, libcurl, Go-http-client, HeadlessChrome).</li>
 * </ul>
 * There is no buyer wallet in epay: buyers pay by QR code. The wallet under {@code /sim/wallet/} is a test double that
 * stands in for a buyer paying a trade, so that tests can drive orders to paid; it is not part of epay. The profile
 * decides the faults: risk refusals at {@code submit.php}, and double deductions and lost, late or duplicate notifies
 * when the double pays. Signatures are computed here independently of Cardwatch's signer.
 */
final class EpayGateway implements AutoCloseable {

    static final String MERCHANT_PID = "1001";
    /** The test double's wallet id. */
    static final String PAYER_ID = "2001";
    /** submit.php's risk refusals: blockname, blacklist, pay_iplimit, a banned merchant. */
    static final List<String> RISK_MESSAGES = List.of("该商品禁止出售", "你今天已无法再发起支付，请明天再试",
            "商户已封禁，无法支付！", "系统异常无法完成付款");
    /** cron.php's gaps between notify attempts, in minutes. */
    static final List<Integer> NOTIFY_GAPS = List.of(1, 2, 16, 36);

    private static final Logger log = LoggerFactory.getLogger(EpayGateway.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern OUT_TRADE_NO = Pattern.compile("^[a-zA-Z0-9._\\-|]+$");
    private static final List<String> BLOCKED_AGENTS = List.of("Baiduspider", "360Spider", "python", "MJ12bot",
            "libcurl/", "Go-http-client", "HeadlessChrome", "wechatdevtools/");
    private static final DateTimeFormatter TRADE_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss")
            .withZone(ZoneId.of("Asia/Shanghai"));
    private static final DateTimeFormatter ADD_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneId.of("Asia/Shanghai"));

    /** One trade ({@code pre_order}). */
    static final class Trade {
        final String tradeNo;
        final String outTradeNo;
        final String name;
        final BigDecimal money;
        final String notifyUrl;
        final String returnUrl;
        final String type;
        final String param;
        final Instant added;
        volatile int status;
        volatile Instant paidAt;
        volatile int deductions;

        Trade(String tradeNo, String outTradeNo, String name, BigDecimal money, String notifyUrl, String returnUrl,
                String type, String param, Instant added) {
            this.tradeNo = tradeNo;
            this.outTradeNo = outTradeNo;
            this.name = name;
            this.money = money;
            this.notifyUrl = notifyUrl;
            this.returnUrl = returnUrl;
            this.type = type;
            this.param = param;
            this.added = added;
        }
    }

    private final Profile profile;
    private final String merchantKey;
    private final String payerKey;
    private final Clock clock;
    private final Random random;
    private final Duration minute;
    private final Map<String, Trade> trades = new ConcurrentHashMap<>();
    private final Map<String, String> byOutTradeNo = new ConcurrentHashMap<>();
    private final Map<Fault, AtomicLong> injected = new ConcurrentHashMap<>();
    private final AtomicLong notifies = new AtomicLong();
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
        this(profile, merchantKey, payerKey, clock, seed, Duration.ofMinutes(1));
    }

    /** @param minute  how long cron.php's minute lasts here (tests shorten the notify retries) */
    EpayGateway(Profile profile, String merchantKey, String payerKey, Clock clock, long seed, Duration minute) {
        this.profile = profile;
        this.merchantKey = merchantKey;
        this.payerKey = payerKey;
        this.clock = clock;
        this.random = new Random(seed);
        this.minute = minute;
    }

    void baseUrl(String url) {
        this.baseUrl = url;
    }

    String baseUrl() {
        return baseUrl;
    }

    /** The test double's wallet balance. */
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

    /** Notify requests sent, retries included. */
    long notifiesSent() {
        return notifies.get();
    }

    SimAnswer handle(SimRequest request) {
        String path = request.path();
        if (path.startsWith("/sim/wallet/")) {
            return wallet(request);
        }
        return switch (path) {
            case "/mapi.php" -> mapi(request);
            case "/api.php" -> api(request);
            case "/submit.php" -> defended(request) ? submit(request) : notFound();
            case "/pay.php" -> defended(request) ? SimAnswer.text("404 Not Found", "text/html; charset=utf-8")
                    : notFound();
            default -> path.startsWith("/pay/") ? (defended(request) ? payPage(path) : notFound())
                    : SimAnswer.status(404, "<html><body>404 Not Found</body></html>");
        };
    }

    /** {@code txprotect.php}: spiders, libraries and clients without an Accept header get a bare 404. */
    private static boolean defended(SimRequest request) {
        String agent = request.header("user-agent");
        if (agent.isEmpty() || request.header("accept").isEmpty()) {
            return false;
        }
        return BLOCKED_AGENTS.stream().noneMatch(agent::contains)
                && !(agent.contains("ozilla") && !agent.contains("Mozilla"));
    }

    private static SimAnswer notFound() {
        return SimAnswer.status(404, "");
    }

    /** The parameters a page or API was called with: the query when it has a pid, else the form. */
    private static Map<String, String> params(SimRequest request) {
        return request.query().containsKey("pid") ? request.query() : request.form();
    }

    /** {@code submit.php}. */
    private SimAnswer submit(SimRequest request) {
        Map<String, String> params = params(request);
        if (!params.containsKey("pid")) {
            return SimAnswer.html("你还未配置支付接口商户！");
        }
        Opened opened = open(params);
        if (opened.refusal() != null) {
            return sysmsg(opened.refusal());
        }
        String script = "<script>window.location.replace('/pay/qrcode/" + opened.trade().tradeNo + "/');</script>";
        return SimAnswer.html("<!DOCTYPE html><html><head><meta http-equiv=\"Content-Type\" content=\"text/html; "
                + "charset=utf-8\" /><title>正在为您跳转到支付页面，请稍候...</title></head><body>"
                + "<p id=\"waiting\">正在为您跳转到支付页面，请稍候...</p>" + script + "</body></html>");
    }

    /** {@code mapi.php}: submit.php for servers, in JSON. */
    private SimAnswer mapi(SimRequest request) {
        Map<String, String> params = params(request);
        if (!params.containsKey("pid")) {
            return SimAnswer.json("{\"code\":-4, \"msg\":\"未传入任何参数\"}");
        }
        Opened opened = open(params);
        if (opened.refusal() != null) {
            return fail(opened.refusal());
        }
        return SimAnswer.json(JSON.createObjectNode().put("code", 1).put("trade_no", opened.trade().tradeNo)
                .put("payurl", baseUrl + "pay/qrcode/" + opened.trade().tradeNo + "/").toString());
    }

    private record Opened(Trade trade, String refusal) {
    }

    /** What submit.php and mapi.php share: checks, the repeat rules, risk control, the new trade. */
    private Opened open(Map<String, String> params) {
        if (!MERCHANT_PID.equals(params.get("pid"))) {
            return new Opened(null, "商户不存在！");
        }
        if (!sign(params, merchantKey).equals(params.get("sign"))) {
            return new Opened(null, "签名校验失败，请返回重试！");
        }
        String outTradeNo = params.getOrDefault("out_trade_no", "");
        String name = params.getOrDefault("name", "");
        String amount = params.getOrDefault("money", "");
        String param = params.get("param");
        if (outTradeNo.isEmpty()) {
            return new Opened(null, "订单号(out_trade_no)不能为空");
        }
        if (params.getOrDefault("notify_url", "").isEmpty()) {
            return new Opened(null, "通知地址(notify_url)不能为空");
        }
        if (name.isEmpty()) {
            return new Opened(null, "商品名称(name)不能为空");
        }
        BigDecimal money;
        try {
            money = new BigDecimal(amount);
        } catch (NumberFormatException e) {
            return new Opened(null, amount.isEmpty() ? "金额(money)不能为空" : "金额不合法");
        }
        if (money.signum() <= 0 || !amount.matches("[0-9.]+")) {
            return new Opened(null, "金额不合法");
        }
        if (!OUT_TRADE_NO.matcher(outTradeNo).matches()) {
            return new Opened(null, "订单号(out_trade_no)格式不正确");
        }
        synchronized (trades) {
            Trade old = trades.get(byOutTradeNo.getOrDefault(outTradeNo, ""));
            if (old != null) {
                if (old.status > 0) {
                    return new Opened(null, "该订单(" + outTradeNo + ")已完成支付，请勿重复发起支付");
                }
                boolean changed = old.money.setScale(2, RoundingMode.HALF_UP).compareTo(money.setScale(2,
                        RoundingMode.HALF_UP)) != 0 || !old.name.equals(name)
                        || !old.notifyUrl.equals(params.getOrDefault("notify_url", ""))
                        || !old.returnUrl.equals(params.getOrDefault("return_url", ""))
                        || !java.util.Objects.equals(old.param, param);
                return changed ? new Opened(null, "该订单(" + outTradeNo + ")支付参数有变化，请更换订单号重新发起支付")
                        : new Opened(old, null);
            }
            if (profile.fault() == Fault.RISK_REJECTED && random() < profile.probability()) {
                count(Fault.RISK_REJECTED);
                return new Opened(null, RISK_MESSAGES.get((int) (random() * RISK_MESSAGES.size())));
            }
            String tradeNo;
            do {
                tradeNo = TRADE_TIME.format(clock.instant()) + (11111 + (int) (random() * 88889));
            } while (trades.containsKey(tradeNo));
            Trade trade = new Trade(tradeNo, outTradeNo, name, money, params.getOrDefault("notify_url", ""),
                    params.getOrDefault("return_url", ""), params.getOrDefault("type", ""), param, clock.instant());
            trades.put(tradeNo, trade);
            byOutTradeNo.put(outTradeNo, tradeNo);
            return new Opened(trade, null);
        }
    }

    /** {@code /pay/qrcode/{trade_no}/}: the 支付宝扫码支付 page. */
    private SimAnswer payPage(String path) {
        String[] parts = path.split("/");
        Trade trade = parts.length >= 4 ? trades.get(parts[3]) : null;
        if (trade == null || !"qrcode".equals(parts[2])) {
            return sysmsg("该订单号不存在，请返回来源地重新发起请求！");
        }
        if (trade.status > 0) {
            return sysmsg("该订单已完成支付！");
        }
        return SimAnswer.html("<!DOCTYPE html><html><head><meta http-equiv=\"Content-Type\" content=\"text/html; "
                + "charset=UTF-8\"><title>支付宝扫码支付</title></head><body><div class=\"body\"><h1 class=\"mod-title\">"
                + "<span class=\"text\">支付宝扫码支付</span></h1><div class=\"mod-ct\"><div class=\"order\"></div>"
                + "<div class=\"amount\">￥" + phpFloat(trade.money) + "</div><div class=\"qr-image\" id=\"qrcode\">"
                + "</div><div class=\"detail\" id=\"orderDetail\"><dl class=\"detail-ct\" style=\"display: none;\">"
                + "<dt>购买物品</dt><dd id=\"productName\">" + escape(trade.name) + "</dd><dt>商户订单号</dt>"
                + "<dd id=\"billId\">" + trade.tradeNo + "</dd><dt>创建时间</dt><dd id=\"createTime\">"
                + ADD_TIME.format(trade.added) + "</dd></dl></div></div></div>"
                + "<script>var code_url = 'https://qr.alipay.com/sim" + trade.tradeNo + "';</script></body></html>");
    }

    /** {@code api.php}: {@code act} is read from the query string only. */
    private SimAnswer api(SimRequest request) {
        String act = request.query().getOrDefault("act", "");
        return switch (act) {
            case "query" -> {
                String refused = merchant(request.query());
                yield refused != null ? SimAnswer.json(refused) : SimAnswer.json(JSON.createObjectNode().put("code", 1)
                        .put("pid", MERCHANT_PID).put("active", 1).put("money", merchantFunds().toPlainString())
                        .toString());
            }
            case "order" -> order(request.query());
            case "refund" -> refund(request.form());
            default -> SimAnswer.json("{\"code\":-5,\"msg\":\"No Act!\"}");
        };
    }

    /** Null when pid and key are the merchant's, else the refusal. */
    private String merchant(Map<String, String> params) {
        if (!MERCHANT_PID.equals(params.get("pid"))) {
            return "{\"code\":-3,\"msg\":\"商户ID不存在\"}";
        }
        return merchantKey.equals(params.get("key")) ? null : "{\"code\":-3,\"msg\":\"商户密钥错误\"}";
    }

    private SimAnswer order(Map<String, String> params) {
        String refused = merchant(params);
        if (refused != null) {
            return SimAnswer.json(refused);
        }
        String tradeNo = params.getOrDefault("trade_no", "");
        Trade trade = !tradeNo.isEmpty() ? trades.get(tradeNo)
                : trades.get(byOutTradeNo.getOrDefault(params.getOrDefault("out_trade_no", ""), ""));
        if (tradeNo.isEmpty() && params.getOrDefault("out_trade_no", "").isEmpty()) {
            return SimAnswer.json("{\"code\":-4,\"msg\":\"订单号不能为空\"}");
        }
        if (trade == null) {
            return fail("订单号不存在");
        }
        ObjectNode body = JSON.createObjectNode().put("code", 1).put("msg", "succ").put("trade_no", trade.tradeNo)
                .put("out_trade_no", trade.outTradeNo).put("type", trade.type).put("pid", MERCHANT_PID)
                .put("addtime", ADD_TIME.format(trade.added))
                .put("endtime", trade.paidAt == null ? null : ADD_TIME.format(trade.paidAt)).put("name", trade.name)
                .put("money", trade.money.setScale(2, RoundingMode.HALF_UP).toPlainString()).put("param", trade.param)
                .put("status", trade.status);
        return SimAnswer.json(body.toString());
    }

    /** The merchant gives the money back: fields in the POST body; the trade turns 已退款 (2). */
    private SimAnswer refund(Map<String, String> form) {
        String refused = merchant(form);
        if (refused != null) {
            return SimAnswer.json(refused);
        }
        String amount = form.getOrDefault("money", "").trim();
        if (!amount.matches("[0-9.]+")) {
            return fail("金额输入错误");
        }
        Trade trade = !form.getOrDefault("trade_no", "").isEmpty() ? trades.get(form.get("trade_no"))
                : trades.get(byOutTradeNo.getOrDefault(form.getOrDefault("out_trade_no", ""), ""));
        if (trade == null) {
            return fail("当前订单不存在！");
        }
        synchronized (trade) {
            if (trade.status != 1) {
                return fail("只支持退款已支付状态的订单");
            }
            BigDecimal back = new BigDecimal(amount);
            if (back.compareTo(trade.money) > 0) {
                return fail("退款金额不能大于订单金额");
            }
            trade.status = 2;
            synchronized (money) {
                wallet = wallet.add(back);
                merchantFunds = merchantFunds.subtract(back);
            }
            return SimAnswer.json(JSON.createObjectNode().put("code", 0).put("msg", "退款成功！退款金额￥" + amount)
                    .toString());
        }
    }

    /** The test double: a buyer pays a trade from a wallet that real epay does not have. */
    private SimAnswer wallet(SimRequest request) {
        String path = request.path();
        if (path.equals("/sim/wallet/pay")) {
            return walletPay(request.form());
        }
        Map<String, String> q = request.query();
        if (!PAYER_ID.equals(q.get("payer_id")) || !payerKey.equals(q.get("key"))) {
            return fail("KEY校验失败");
        }
        if (path.equals("/sim/wallet/balance")) {
            return SimAnswer.json(JSON.createObjectNode().put("code", 1).put("money", wallet().toPlainString())
                    .toString());
        }
        Trade trade = trades.get(q.getOrDefault("trade_no", ""));
        if (trade == null) {
            return fail("订单号不存在");
        }
        return SimAnswer.json(JSON.createObjectNode().put("code", 1).put("trade_no", trade.tradeNo)
                .put("status", trade.status).toString());
    }

    private SimAnswer walletPay(Map<String, String> form) {
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
        scheduler.schedule(() -> deliverNotify(trade, 0), delay, TimeUnit.MILLISECONDS);
        if (fault == Fault.DUPLICATE_NOTIFY) {
            scheduler.schedule(() -> sendNotify(trade), delay + 200, TimeUnit.MILLISECONDS);
        }
    }

    /** One attempt; without "success" in the answer, the next after cron.php's gap, up to four retries. */
    private void deliverNotify(Trade trade, int attempt) {
        if (sendNotify(trade) || attempt >= NOTIFY_GAPS.size()) {
            return;
        }
        long gap = minute.toMillis() * NOTIFY_GAPS.get(attempt);
        scheduler.schedule(() -> deliverNotify(trade, attempt + 1), gap, TimeUnit.MILLISECONDS);
    }

    /** {@code creat_callback} and {@code do_notify}: true when the answer contains "success". */
    private boolean sendNotify(Trade trade) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("pid", MERCHANT_PID);
        params.put("trade_no", trade.tradeNo);
        params.put("out_trade_no", trade.outTradeNo);
        params.put("type", trade.type);
        params.put("name", trade.name);
        params.put("money", phpFloat(trade.money));
        params.put("trade_status", "TRADE_SUCCESS");
        if (trade.param != null && !trade.param.isEmpty()) {
            params.put("param", trade.param);
        }
        params.put("sign", sign(params, merchantKey));
        params.put("sign_type", "MD5");
        String query = params.entrySet().stream().map(e -> e.getKey() + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        String url = trade.notifyUrl + (trade.notifyUrl.contains("?") ? "&" : "?") + query;
        notifies.incrementAndGet();
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
            log.debug("notify {} -> {} {}", trade.tradeNo, response.statusCode(), response.body());
            String body = response.body() == null ? "" : response.body();
            return body.contains("success") || body.contains("SUCCESS") || body.contains("Success");
        } catch (java.io.IOException | IllegalArgumentException e) {
            log.debug("notify {} failed: {}", trade.tradeNo, e.toString());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The parameters a store hands the buyer's browser for {@code submit.php}, signed with the merchant key. */
    static Map<String, String> handOff(String merchantKey, String outTradeNo, String name, BigDecimal amount,
            String type, String notifyUrl, String returnUrl) {
        Map<String, String> params = new TreeMap<>();
        params.put("pid", MERCHANT_PID);
        params.put("type", type);
        params.put("out_trade_no", outTradeNo);
        params.put("return_url", returnUrl);
        params.put("notify_url", notifyUrl);
        params.put("name", name);
        params.put("money", phpFloat(amount));
        params.put("sign", sign(params, merchantKey));
        params.put("sign_type", "MD5");
        return params;
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

    /** {@code sysmsg()}: the gateway's error page. */
    private static SimAnswer sysmsg(String message) {
        return SimAnswer.html("<!DOCTYPE html><html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"zh-CN\"><head>"
                + "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\" /><title>站点提示信息</title>"
                + "</head><body id=\"error-page\"><h3>站点提示信息</h3>" + escape(message) + "</body></html>");
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

    /** How PHP prints a float: 1.00 is "1", 0.98 is "0.98", 1.50 is "1.5". */
    static String phpFloat(BigDecimal amount) {
        BigDecimal plain = amount.stripTrailingZeros();
        return plain.scale() < 0 ? plain.setScale(0).toPlainString() : plain.toPlainString();
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
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
