package cardwatch.simulator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A simulated 异次元 (acg-faka) storefront, its answers shaped after lizhipay/acg-faka 3.6.0 (or 3.0.0, where they
 * differ). Every call is a form POST answered HTTP 200 with {@code {code:200, msg, data}} or {@code {code:0, msg}};
 * a JSON body is not read.
 * <ul>
 * <li>{@code /user/api/authentication/login} ({@code app/Controller/User/Api/Authentication.php}): sets the
 * {@code USER_SESSION} cookie; a new login ends the sessions before it ({@code login_time} in the token).</li>
 * <li>{@code /user/api/order/trade} ({@code app/Service/Bind/Order.php} {@code trade}): the product is
 * {@code item_id} (3.0: {@code commodity_id}), pay id 1 is 余额 ({@code #system}) and 2 an epay plugin whose
 * {@code url} sends the buyer to the gateway's {@code submit.php} (acg-faka ships no pay plugin: this is a redirect
 * plugin's {@code PayEntity}); a repeated {@code request_no} is "The request ID already exists"; a logged-in buyer's
 * order gets a random contact (3.0: "-"). A balance order is paid and, for automatic delivery, delivered in the answer
 * ({@code orderSuccess}): the card, the apology when the cards ran out, or for a manual product 正在发货中….</li>
 * <li>{@code /user/api/purchaseRecord/data} and {@code /user/api/bill/data}: the buyer's own orders and account book,
 * behind the session check ({@code app/Interceptor/UserSession.php}: a {@code Referer} of the store's host, then the
 * cookie). 3.6 answers {@code data:{list,total}}, 3.0 {@code data:[...]} and {@code count}.</li>
 * <li>{@code /user/api/index/query} (30 per 10 minutes per address) and {@code /user/api/index/secret} (40): a guest's
 * lookup by trade number (18 digits) or contact; 3.0's query has no {@code delivery_status} and its secret call takes
 * {@code orderId}.</li>
 * <li>Captchas ({@code trade_verification}, {@code login_verification}) are checked against
 * {@code /user/captcha/image?action=...} in the PHP session ({@code ACG-SHOP}); the simulated image carries its
 * digits as text, so that a test's solver can read it.</li>
 * </ul>
 */
final class AcgFakaShop extends SimShop {

    static final String MANUAL_MESSAGE = "正在发货中，请耐心等待，如有疑问，请联系客服。";
    /** The store's 页面没有找到 page: also what an order whose INSERT failed gets, with status 200. */
    static final String MISSING = "<!doctype html><html lang=\"zh-CN\" data-state=\"missing\"><head><meta charset=\"utf-8\">"
            + "<title>页面没有找到</title></head><body><main class=\"wrap\"><h1 class=\"rise\">页面不存在</h1>"
            + "<p class=\"desc rise\">这个地址可能已失效，或从未存在。</p></main></body></html>";
    static final String APOLOGY = "很抱歉，有人在你付款之前抢走了商品，请联系客服。";
    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(SHANGHAI);
    private static final DateTimeFormatter TRADE = DateTimeFormatter.ofPattern("yyMMddHHmmss").withZone(SHANGHAI);

    /** Which acg-faka is simulated, and how its owner set it up. */
    record Setup(boolean modern, boolean loginCaptcha, boolean tradeCaptcha, String username, String password) {
    }

    private final Setup setup;
    /** The account's current login: a token is valid while its number is the latest. */
    private final AtomicLong login = new AtomicLong();
    private final Map<String, Long> tokens = new ConcurrentHashMap<>();
    /** PHP sessions (ACG-SHOP): the captcha codes they hold. */
    private final Map<String, Map<String, String>> phpSessions = new ConcurrentHashMap<>();
    private final Map<String, Deque<Instant>> throttles = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();

    AcgFakaShop(EpayGateway gateway, Profile profile, String merchantKey, Setup setup, Clock clock, long seed) {
        super(gateway, profile, merchantKey, clock, seed);
        this.setup = setup;
    }

    @Override
    boolean isCallback(SimRequest request) {
        return request.path().startsWith("/user/api/order/callback.");
    }

    @Override
    String notifyUrl(ShopOrder order) {
        return baseUrl() + "user/api/order/callback." + (setup.modern() ? order.orderNo() : "Epay");
    }

    @Override
    SimAnswer callbackAnswer(String refusal) {
        return refusal == null ? SimAnswer.text("success", "text/plain; charset=utf-8") : fail(refusal);
    }

    @Override
    String orderNumber() {
        return (100 + (int) (random() * 900)) + TRADE.format(now()) + (100 + (int) (random() * 900));
    }

    @Override
    void oversold(ShopOrder order) {
        order.secret = APOLOGY;
    }

    @Override
    SimAnswer route(SimRequest request) {
        return switch (request.path()) {
            case "/user/api/authentication/login" -> login(request);
            case "/user/captcha/image" -> captcha(request);
            case "/user/api/order/trade" -> trade(request);
            case "/user/api/purchaseRecord/data" -> records(request);
            case "/user/api/bill/data" -> bills(request);
            case "/user/api/index/query" -> query(request);
            case "/user/api/index/secret" -> secret(request);
            case "/" -> SimPages.home("异次元店铺", footer());
            default -> SimAnswer.status(404, MISSING);
        };
    }

    private SimAnswer login(SimRequest request) {
        Map<String, String> form = request.form();
        Session php = php(request);
        if (setup.loginCaptcha() && !php.take("login", form.get("captcha"))) {
            return php.carry(fail("验证码错误"));
        }
        if (!form.containsKey("username")) {
            return php.carry(fail("用户名输入错误"));
        }
        if (form.getOrDefault("password", "").length() < 6) {
            return php.carry(fail("密码错误"));
        }
        if (!setup.username().equals(form.get("username"))) {
            return php.carry(fail("用户不存在"));
        }
        if (!setup.password().equals(form.get("password"))) {
            return php.carry(fail("密码错误"));
        }
        long number = login.incrementAndGet();
        byte[] bytes = new byte[24];
        new java.security.SecureRandom().nextBytes(bytes);
        String token = java.util.Base64.getEncoder().encodeToString(HexFormat.of().formatHex(bytes)
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        tokens.put(token, number);
        return php.carry(ok("登录成功", JSON.createArrayNode())).withHeader("Set-Cookie", "USER_SESSION="
                + java.net.URLEncoder.encode(token, java.nio.charset.StandardCharsets.UTF_8)
                + "; expires=Thu, 31 Dec 2099 00:00:00 GMT; Max-Age=2592000; path=/; SameSite=Lax");
    }

    /** Whether the request carries the account's current session ({@code UserVisitor}). */
    private boolean loggedIn(SimRequest request) {
        Long number = tokens.get(request.cookie("USER_SESSION"));
        return number != null && number == login.get();
    }

    private SimAnswer captcha(SimRequest request) {
        Session php = php(request);
        String code = String.valueOf(1000 + (int) (random() * 9000));
        php.values().put(request.param("action"), code);
        return php.carry(SimAnswer.bytes(code.getBytes(java.nio.charset.StandardCharsets.US_ASCII), "image/png"));
    }

    private SimAnswer trade(SimRequest request) {
        Map<String, String> form = request.form();
        Session php = php(request);
        if (setup.tradeCaptcha() && !php.take("trade", form.get("captcha"))) {
            return php.carry(fail("验证码错误"));
        }
        String product = form.getOrDefault(setup.modern() ? "item_id" : "commodity_id", "");
        if (number(product) == 0) {
            return fail(setup.modern() ? "请选择商品" : "请选择商品在下单");
        }
        if (number(form.get("num")) <= 0) {
            return fail("至少购买1个");
        }
        if (!sells(product)) {
            return fail("商品不存在");
        }
        boolean user = loggedIn(request);
        String contact = form.getOrDefault("contact", "");
        if (!user && contact.length() < 3) {
            return fail("联系方式不能低于3个字符");
        }
        long pay = number(form.get("pay_id"));
        if (pay != 1 && pay != 2) {
            return fail("该支付方式不存在");
        }
        String requestNo = form.getOrDefault("request_no", "");
        if (requestNo.length() > 19 || contact.length() > 32) {
            // request_no char(19), contact varchar(32): the INSERT fails and the store shows its 404 page
            return SimAnswer.html(MISSING);
        }
        String key = requestNo.isEmpty() ? contact + "#" + ids.incrementAndGet() : requestNo;
        if (seen(key) != null) {
            return fail("The request ID already exists");
        }
        if (user) {
            contact = setup.modern() ? HexFormat.of().formatHex(randomBytes(8)) : "-";
        }
        if (pay == 1) {
            if (!user) {
                return fail("您未登录，请先登录后再使用余额支付");
            }
            Placed placed = placeFromBalance(key, contact, product);
            if (placed.refusal() != null) {
                return fail(placed.refusal());
            }
            ShopOrder order = placed.order();
            ObjectNode data = JSON.createObjectNode()
                    .put("url", baseUrl() + "user/personal/purchaseRecord?tradeNo=" + order.orderNo())
                    .put("amount", order.amount().doubleValue()).put("tradeNo", order.orderNo())
                    .put("secret", secretOf(order));
            if (setup.modern()) {
                data.putNull("leave_message");
                data.put("stock", "999");
            }
            return ok("下单成功", data);
        }
        Placed placed = placeGuest(key, contact, product, form.getOrDefault("password", ""));
        if (placed.refusal() != null) {
            return fail(placed.refusal());
        }
        ShopOrder order = placed.order();
        Map<String, String> handOff = EpayGateway.handOff(merchantKey(), order.orderNo(), "商品下单",
                order.amount(), "alipay", notifyUrl(order), baseUrl() + "user/index/query?tradeNo=" + order.orderNo());
        String url = gatewayUrl() + "submit.php?" + handOff.entrySet().stream().map(e -> e.getKey() + "="
                + java.net.URLEncoder.encode(e.getValue(), java.nio.charset.StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        ObjectNode data = JSON.createObjectNode().put("url", url).put("amount", order.amount().doubleValue())
                .put("tradeNo", order.orderNo());
        data.putNull("secret");
        if (setup.modern()) {
            data.putNull("leave_message");
            data.put("stock", "999");
        }
        return ok("下单成功", data);
    }

    /** What the order's secret reads: the card or apology once delivered, the manual message while paid. */
    private String secretOf(ShopOrder order) {
        if (order.delivered()) {
            return order.secret();
        }
        return order.status() == 1 ? MANUAL_MESSAGE : null;
    }

    /** {@code UserSession} for API calls: the Referer's host first, then the cookie. */
    private SimAnswer session(SimRequest request) {
        String referer = request.header("referer");
        String host = request.header("host").replaceFirst(":\\d+$", "");
        String refererHost = "";
        try {
            refererHost = referer.isEmpty() ? "" : java.net.URI.create(referer).getHost();
        } catch (IllegalArgumentException e) {
            refererHost = "";
        }
        if (refererHost == null || !refererHost.equalsIgnoreCase(host)) {
            return fail("当前页面会话失效，请刷新网页..");
        }
        return loggedIn(request) ? null : fail("登录会话过期，请重新登录..");
    }

    private SimAnswer records(SimRequest request) {
        SimAnswer refused = session(request);
        if (refused != null) {
            return refused;
        }
        Map<String, String> where = request.form();
        List<ShopOrder> mine = new ArrayList<>();
        for (ShopOrder order : orders()) {
            if (order.fromBalance && matches(where, order)) {
                mine.add(0, order);
            }
        }
        ArrayNode rows = JSON.createArrayNode();
        for (ShopOrder order : page(mine, where)) {
            rows.add(row(order, true));
        }
        return list(rows, mine.size());
    }

    private static boolean matches(Map<String, String> where, ShopOrder order) {
        String requestNo = where.getOrDefault("equal-request_no", "");
        String tradeNo = where.getOrDefault("equal-trade_no", "");
        return (requestNo.isEmpty() || requestNo.equals(order.requestNo()))
                && (tradeNo.isEmpty() || tradeNo.equals(order.orderNo()));
    }

    private SimAnswer bills(SimRequest request) {
        SimAnswer refused = session(request);
        if (refused != null) {
            return refused;
        }
        List<Bill> all = bills();
        ArrayNode rows = JSON.createArrayNode();
        for (Bill bill : page(all, request.form())) {
            rows.addObject().put("id", bill.id()).put("owner", 1000).put("amount", bill.amount().doubleValue())
                    .put("balance", bill.balance().doubleValue()).put("type", bill.type()).put("currency", 0)
                    .put("log", bill.log()).put("create_time", TIME.format(bill.at()));
        }
        return list(rows, all.size());
    }

    private SimAnswer query(SimRequest request) {
        if (throttled("query", 30)) {
            return fail("请求过于频繁，请稍后再试");
        }
        String keywords = request.form().getOrDefault("keywords", "").trim();
        if (keywords.equals("-") || keywords.isEmpty() && !setup.modern()) {
            return fail("无数据");
        }
        List<ShopOrder> found = new ArrayList<>();
        for (ShopOrder order : orders()) {
            boolean hit = keywords.matches("\\d{18}") ? order.orderNo().equals(keywords)
                    : order.contact().equals(keywords) && !order.fromBalance;
            if (hit) {
                found.add(0, order);
            }
        }
        ArrayNode rows = JSON.createArrayNode();
        for (ShopOrder order : found) {
            ObjectNode row = row(order, setup.modern());
            if (statusNow(order) != 1 || !setup.modern()) {
                row.remove("secret");
            }
            rows.add(row);
        }
        if (!setup.modern() && found.isEmpty()) {
            return fail("无数据");
        }
        return list(rows, found.size());
    }

    private SimAnswer secret(SimRequest request) {
        if (throttled("secret", 40)) {
            return fail("请求过于频繁，请稍后再试");
        }
        String tradeNo = request.form().getOrDefault(setup.modern() ? "tradeNo" : "orderId", "").trim();
        ShopOrder order = byOrderNo(tradeNo);
        if (order == null) {
            return fail("未查询到相关信息");
        }
        if (statusNow(order) != 1) {
            return fail(setup.modern() ? "订单还未支付" : "该订单还未支付");
        }
        ObjectNode data = JSON.createObjectNode().put("secret", secretOf(order));
        data.putNull("widget");
        if (setup.modern()) {
            data.putNull("leave_message");
        }
        return ok("success", data);
    }

    /** An order as the store's tables hold it; 3.0's guest query has no delivery_status. */
    private ObjectNode row(ShopOrder order, boolean withDelivery) {
        int status = statusNow(order);
        ObjectNode row = JSON.createObjectNode().put("id", order.createdAt.toEpochMilli() % 1_000_000)
                .put("trade_no", order.orderNo()).put("amount", order.amount().doubleValue())
                .put("commodity_id", Integer.parseInt(order.product)).put("card_num", 1)
                .put("pay_id", order.fromBalance ? 1 : 2).put("create_time", TIME.format(order.createdAt))
                .put("pay_time", order.paidAt == null ? null : TIME.format(order.paidAt)).put("status", status)
                .put("secret", status == 1 ? secretOf(order) : null).put("contact", order.contact());
        row.putNull("password");
        if (withDelivery) {
            row.put("delivery_status", order.delivered() ? 1 : 0);
        }
        row.put("request_no", order.requestNo().contains("#") ? null : order.requestNo());
        return row;
    }

    private <T> List<T> page(List<T> rows, Map<String, String> form) {
        int page = Math.max(1, (int) number(form.getOrDefault("page", "1")));
        int limit = (int) number(form.getOrDefault("limit", "15"));
        limit = limit <= 0 ? 15 : limit;
        int from = Math.min(rows.size(), (page - 1) * limit);
        return rows.subList(from, Math.min(rows.size(), from + limit));
    }

    /** A list answer: {@code data:{list,total}} from 3.1.3, {@code data:[...]} and {@code count} before. */
    private SimAnswer list(ArrayNode rows, int total) {
        ObjectNode body = JSON.createObjectNode().put("code", 200);
        if (setup.modern()) {
            ObjectNode data = body.putObject("data");
            data.set("list", rows);
            data.put("total", total);
        } else {
            body.putNull("msg");
            body.set("data", rows);
            body.put("count", total);
        }
        return SimAnswer.json(body.toString());
    }

    /** {@code Throttle::tooMany}: the address (every test client is 127.0.0.1) may ask {@code max} in 10 minutes. */
    private boolean throttled(String what, int max) {
        Deque<Instant> seen = throttles.computeIfAbsent(what, k -> new ArrayDeque<>());
        synchronized (seen) {
            Instant now = now();
            while (!seen.isEmpty() && seen.peekFirst().isBefore(now.minus(Duration.ofMinutes(10)))) {
                seen.pollFirst();
            }
            if (seen.size() >= max) {
                return true;
            }
            seen.addLast(now);
            return false;
        }
    }

    /** A PHP session ({@code ACG-SHOP}): its values, and the cookie to send when it is new. */
    private record Session(String id, Map<String, String> values, boolean fresh) {

        /** Checks and destroys a captcha code. */
        boolean take(String purpose, String answer) {
            String code = values.remove(purpose);
            return code != null && code.equals(answer == null ? null : answer.trim());
        }

        SimAnswer carry(SimAnswer answer) {
            return fresh ? answer.withHeader("Set-Cookie", "ACG-SHOP=" + id + "; path=/") : answer;
        }
    }

    private Session php(SimRequest request) {
        String id = request.cookie("ACG-SHOP");
        Map<String, String> values = id.isEmpty() ? null : phpSessions.get(id);
        if (values != null) {
            return new Session(id, values, false);
        }
        String fresh = HexFormat.of().formatHex(randomBytes(13));
        Map<String, String> created = new ConcurrentHashMap<>();
        phpSessions.put(fresh, created);
        return new Session(fresh, created, true);
    }

    private byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        for (int i = 0; i < n; i++) {
            bytes[i] = (byte) (random() * 256);
        }
        return bytes;
    }

    private static long number(String text) {
        try {
            return text == null || text.isBlank() ? 0 : (long) Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static SimAnswer ok(String message, JsonNode data) {
        ObjectNode body = JSON.createObjectNode().put("code", 200).put("msg", message);
        body.set("data", data);
        return SimAnswer.json(body.toString());
    }

    private static SimAnswer fail(String message) {
        return SimAnswer.json(JSON.createObjectNode().put("code", 0).put("msg", message).toString());
    }
}
