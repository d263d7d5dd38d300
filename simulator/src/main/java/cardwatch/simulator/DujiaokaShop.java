package cardwatch.simulator;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A simulated 独角数卡 (dujiaoka) storefront, its pages shaped after assimon/dujiaoka at 9f5467ad with the unicorn
 * theme. Laravel's CSRF check guards every POST ({@code app/Http/Middleware/VerifyCsrfToken.php} exempts only
 * {@code pay/*}): a form's {@code _token} must be the one of the visitor's {@code laravel_session}, else 419 Page
 * Expired.
 * <ul>
 * <li>{@code GET /buy/{id}}: the order form ({@code static_pages/buy.blade.php}) with its {@code _token}, the
 * payways and, when the owner turned it on, {@code img_verify_code}.</li>
 * <li>{@code POST /create-order} ({@code OrderController::createOrder}, the rules of
 * {@code OrderService::validatorCreateOrder}): a 302 to {@code /bill/{orderSN}}, or the error page
 * ({@code errors/error.blade.php}, {@code .err-message}).</li>
 * <li>The bill ({@code static_pages/bill.blade.php}): 实际支付价格 and 立即支付, a link to
 * {@code /pay-gateway/{handle}/{payway}/{orderSN}}, which redirects to {@code /pay/yipay/{payway}/{orderSN}}
 * ({@code PayController::redirectGateway}); that answers the auto-submitting GET form to the gateway's
 * {@code submit.php} ({@code Pay/YipayController::gateway}: name and out_trade_no are the orderSN, money PHP's float).
 * </li>
 * <li>The notify, {@code GET /pay/yipay/notify_url}: checked, amounts compared ({@code completedOrder}), an order
 * already completed refused.</li>
 * <li>{@code /check-order-status/{sn}} (400000 wait, 400001 expired, 200 above 待支付), {@code /detail-order-sn/{sn}}
 * and {@code POST /search-order-by-email}: the order page ({@code static_pages/orderinfo.blade.php}), its status a
 * badge after 订单状态 (待支付 1, 待处理 2, 处理中 3, 已完成 4, 失败 5, 异常 6, 已过期 -1) and the 卡密 in a
 * textarea; an oversold order is 异常 with 库存可使用卡密不足，请联系管理员核查.</li>
 * <li>Unpaid orders expire after {@code order_expire_time}, 5 minutes by default.</li>
 * </ul>
 */
final class DujiaokaShop extends SimShop {

    static final String OVERSOLD_INFO = "库存可使用卡密不足，请联系管理员核查";
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneId.of("Asia/Shanghai"));
    private static final String ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    /** How the owner set the store up. */
    record Setup(boolean imageCaptcha, Duration expiry) {
    }

    private final Setup setup;
    /** Visitors' sessions: laravel_session → its CSRF token. */
    private final Map<String, String> sessions = new ConcurrentHashMap<>();
    /** dujiaoka has no idempotency key: every create-order is a new order. */
    private final java.util.concurrent.atomic.AtomicLong creates = new java.util.concurrent.atomic.AtomicLong();

    DujiaokaShop(EpayGateway gateway, Profile profile, String merchantKey, Setup setup, Clock clock, long seed) {
        super(gateway, profile, merchantKey, clock, seed);
        this.setup = setup;
    }

    @Override
    boolean isCallback(SimRequest request) {
        return request.path().equals("/pay/yipay/notify_url");
    }

    @Override
    String notifyUrl(ShopOrder order) {
        return baseUrl() + "pay/yipay/notify_url";
    }

    @Override
    SimAnswer callbackAnswer(String refusal) {
        if (refusal == null) {
            return SimAnswer.text("success", "text/html; charset=utf-8");
        }
        return refusal.equals("签名验证失败") || refusal.equals("订单不存在") ? SimAnswer.text("fail",
                "text/html; charset=utf-8") : SimAnswer.status(500, page("Server Error", "<h1>" + refusal + "</h1>"));
    }

    @Override
    String orderNumber() {
        StringBuilder sn = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            sn.append(ALNUM.charAt((int) (random() * ALNUM.length())));
        }
        return sn.toString();
    }

    @Override
    void oversold(ShopOrder order) {
        order.secret = OVERSOLD_INFO;
    }

    @Override
    Duration expiry() {
        return setup.expiry();
    }

    @Override
    SimAnswer route(SimRequest request) {
        Visitor visitor = visitor(request);
        return visitor.carry(page(request, visitor));
    }

    private SimAnswer page(SimRequest request, Visitor visitor) {
        String path = request.path();
        boolean post = request.method().equals("POST");
        if (post && !visitor.token().equals(request.form().get("_token"))) {
            return new SimAnswer(419, "<!DOCTYPE html><html lang=\"en\"><head><title>Page Expired</title></head><body>"
                    + "<div class=\"code\">419</div><div class=\"message\">Page Expired</div></body></html>", false,
                    Duration.ZERO, "text/html; charset=utf-8");
        }
        if (path.equals("/")) {
            return SimPages.home("独角数卡", footer());
        }
        if (path.startsWith("/buy/")) {
            return buy(path.substring("/buy/".length()), visitor);
        }
        if (path.equals("/create-order") && post) {
            return create(request.form(), visitor);
        }
        if (path.startsWith("/bill/")) {
            return bill(byOrderNo(path.substring("/bill/".length())));
        }
        if (path.startsWith("/pay-gateway/")) {
            return payGateway(path.substring("/pay-gateway/".length()).split("/"));
        }
        if (path.startsWith("/pay/yipay/")) {
            String[] parts = path.substring("/pay/yipay/".length()).split("/");
            return parts.length == 2 ? yipay(parts[0], byOrderNo(parts[1])) : SimAnswer.status(404, page("404", ""));
        }
        if (path.startsWith("/check-order-status/")) {
            return check(byOrderNo(path.substring("/check-order-status/".length())));
        }
        if (path.startsWith("/detail-order-sn/")) {
            ShopOrder order = byOrderNo(path.substring("/detail-order-sn/".length()));
            return order == null ? error("订单不存在") : orderInfo(List.of(order));
        }
        if (path.equals("/order-search")) {
            return search(visitor);
        }
        if (path.equals("/search-order-by-email") && post) {
            return byEmail(request.form());
        }
        if (path.equals("/search-order-by-sn") && post) {
            ShopOrder order = byOrderNo(request.form().getOrDefault("order_sn", ""));
            return order == null ? error("订单不存在") : orderInfo(List.of(order));
        }
        return SimAnswer.status(404, page("404", "<p>Not Found</p>"));
    }

    private SimAnswer buy(String id, Visitor visitor) {
        if (!sells(id)) {
            return error("商品不存在");
        }
        String captcha = setup.imageCaptcha() ? "<div class=\"col-12 col-md-6\"><label for=\"verifyCode\" "
                + "class=\" col-form-label\">图形验证码:</label><div class=\"input-group\"><input type=\"text\" "
                + "name=\"img_verify_code\" class=\"form-control form-control-sm\" id=\"verifyCode\" required "
                + "placeholder=\"\"><img src=\"/captcha/buy\" id=\"imageCode\"></div></div>" : "";
        return SimAnswer.html(page("话费卡1元", "<div class=\"buy-form mt-3\"><form  action=\"" + baseUrl()
                + "create-order\" method=\"post\"><input type=\"hidden\" name=\"_token\" value=\"" + visitor.token()
                + "\"><div class=\"form-group row\"><input type=\"hidden\" name=\"gid\" value=\"" + id + "\">"
                + "<label for=\"email\" class=\" col-form-label\">邮箱:</label><input type=\"email\" "
                + "class=\"form-control form-control-sm\" name=\"email\" id=\"email\" required placeholder=\"邮箱\">"
                + "<label for=\"by_amount\" class=\"col-form-label\">购买:</label><input type=\"number\" "
                + "class=\"form-control form-control-sm\" id=\"shop-number\" name=\"by_amount\" min=\"1\" value=\"1\">"
                + captcha + "</div><div class=\"form-group row\"><label for=\"coupon\" class=\"col-form-label\">"
                + "支付方式：</label><div class=\"form-check form-check-inline\"><label class=\"form-check-label\">"
                + "<input type=\"radio\" class=\"form-check-input\" name=\"payway\" value=\"1\" checked=\"checked\">"
                + "支付宝</label></div></div><button type=\"submit\" class=\"btn btn-dark\">下单</button></form></div>"));
    }

    private SimAnswer create(Map<String, String> form, Visitor visitor) {
        String gid = form.getOrDefault("gid", "");
        if (gid.isEmpty()) {
            return error("商品不存在");
        }
        String email = form.getOrDefault("email", "");
        if (!email.matches("[^@\\s]+@[^@\\s]+\\.[^@\\s]+")) {
            return error("请正确填写邮箱");
        }
        if (!form.getOrDefault("payway", "").matches("\\d+")) {
            return error("请选择支付方式");
        }
        if (!form.getOrDefault("by_amount", "").matches("[1-9]\\d*")) {
            return error("请正确填写购买数量");
        }
        if (setup.imageCaptcha() && !visitor.captcha(form.get("img_verify_code"))) {
            return error("图形验证码错误");
        }
        if (!sells(gid)) {
            return error("该商品未上架！");
        }
        if (!form.get("payway").equals("1")) {
            return error("支付网关不存在");
        }
        seen(email);
        Placed placed = placeGuest(email + "#" + creates.incrementAndGet(), email, gid,
                form.getOrDefault("search_pwd", ""));
        if (placed.refusal() != null) {
            return error(placed.refusal());
        }
        return SimAnswer.redirect(baseUrl() + "bill/" + placed.order().orderNo());
    }

    private SimAnswer bill(ShopOrder order) {
        if (order == null) {
            return error("订单不存在");
        }
        if (statusNow(order) == 2) {
            return error("订单已过期，请重新下单");
        }
        String price = order.amount().toPlainString();
        return SimAnswer.html(page("订单确认", "<section class=\"main-container\"><div class=\"container\">"
                + "<div class=\"good-card\"><div class=\"card m-3\"><div class=\"card-body p-2 text-center\">"
                + "<h3 class=\"card-title text-primary ali-icon\">&#xe832;确认订单</h3></div>"
                + "<div class=\"card card-body p-3 border-0\"><div class=\"mx-auto\"><h5><small class=\"text-muted\">"
                + "订单号：" + order.orderNo() + "</small></h5>"
                + "<div class=\"mb-1\"><label>订单名称：</label><span>话费卡1元 x 1</span></div>"
                + "<div class=\"mb-1\"><label>商品单价：</label><span> " + price + "</span></div>"
                + "<div class=\"mb-1\"><label>购买数量：</label><span>1</span></div>"
                + "<div class=\"mb-1\"><label>下单邮箱：</label><span>" + EpayGateway.escape(order.contact())
                + "</span></div><div class=\"mb-1\"><label>订单类型：</label><span class=\"badge bg-success\">自动发货"
                + "</span></div><div class=\"mb-1\"><label>实际支付价格：</label><span>￥" + price + "</span></div>"
                + "<div class=\"mb-1\"><label>支付方式：</label><span>支付宝</span></div>"
                + "<div class=\"mb-1\"><label>订单创建时间：</label><span>" + TIME.format(order.createdAt)
                + "</span></div><div class=\"pay-now text-center mt-3\"><a href=\"" + baseUrl()
                + "pay-gateway/%2Fpay%2Fyipay/alipay/" + order.orderNo() + "\" type=\"button\" class=\"btn btn-dark\">"
                + "<i class=\"ali-icon\">&#xe673;</i>立即支付</a></div></div></div></div></div></div></section>"));
    }

    /** {@code PayController::checkOrder}: the refusal for an order that cannot be paid, or null. */
    private String unpayable(ShopOrder order) {
        if (order == null) {
            return "订单不存在";
        }
        int status = statusNow(order);
        return status == 2 ? "订单已过期，请重新下单" : status == 1 ? "订单已经支付过了，请勿重复支付" : null;
    }

    private SimAnswer payGateway(String[] parts) {
        if (parts.length != 3) {
            return SimAnswer.status(404, page("404", ""));
        }
        String refusal = unpayable(byOrderNo(parts[2]));
        if (refusal != null) {
            return error(refusal);
        }
        String handle = URLDecoder.decode(parts[0], StandardCharsets.UTF_8);
        return SimAnswer.redirect(baseUrl() + handle.replaceFirst("^/", "") + "/" + parts[1] + "/" + parts[2]);
    }

    private SimAnswer yipay(String payway, ShopOrder order) {
        String refusal = unpayable(order);
        if (refusal != null) {
            return error(refusal);
        }
        Map<String, String> params = EpayGateway.handOff(merchantKey(), order.orderNo(), order.orderNo(),
                order.amount(), payway, notifyUrl(order), baseUrl() + "pay/yipay/return_url?order_id="
                        + order.orderNo());
        StringBuilder html = new StringBuilder("<form id='alipaysubmit' name='alipaysubmit' action='"
                + gatewayUrl() + "submit.php' method='get'>");
        params.forEach((k, v) -> html.append("<input type='hidden' name='").append(k).append("' value='").append(v)
                .append("'/>"));
        html.append("<input type='submit' value=''></form><script>document.forms['alipaysubmit'].submit();</script>");
        return SimAnswer.html(html.toString());
    }

    private SimAnswer check(ShopOrder order) {
        int status = order == null ? 2 : statusNow(order);
        return SimAnswer.json(status == 2 ? "{\"msg\":\"expired\",\"code\":400001}"
                : status == 0 ? "{\"msg\":\"wait....\",\"code\":400000}" : "{\"msg\":\"success\",\"code\":200}");
    }

    private SimAnswer search(Visitor visitor) {
        String token = "<input type=\"hidden\" name=\"_token\" value=\"" + visitor.token() + "\">";
        return SimAnswer.html(page("订单查询", "<form action=\"" + baseUrl() + "search-order-by-sn\" method=\"post\">"
                + token + "<input type=\"text\" name=\"order_sn\"></form><form action=\"" + baseUrl()
                + "search-order-by-email\" method=\"post\">" + token + "<input type=\"email\" name=\"email\">"
                + "</form>"));
    }

    private SimAnswer byEmail(Map<String, String> form) {
        String email = form.get("email");
        if (email == null) {
            return error("非法请求！");
        }
        String pwd = form.getOrDefault("search_pwd", "");
        List<ShopOrder> found = new ArrayList<>();
        for (ShopOrder order : orders()) {
            if (order.contact().equals(email) && (pwd.isEmpty() || pwd.equals(order.searchPwd))) {
                found.add(0, order);
            }
        }
        return found.isEmpty() ? error("未找到相关订单！") : orderInfo(found.subList(0, Math.min(5, found.size())));
    }

    /** {@code static_pages/orderinfo.blade.php}. */
    private SimAnswer orderInfo(List<ShopOrder> orders) {
        StringBuilder cards = new StringBuilder("<section class=\"main-container\"><div class=\"container\">"
                + "<div class=\"order-card\"><div class=\"row justify-content-center\">");
        for (ShopOrder order : orders) {
            String[] status = status(order);
            cards.append("<div class=\"col-md-8\"><div class=\"card mt-3\"><div class=\"row no-gutters\">"
                    + "<div class=\"col-12 col-md-6\"><div class=\"card card-body p-3 border-0\"><div class=\"mx-auto\">"
                    + "<h5><small class=\"text-muted\">订单号：").append(order.orderNo()).append("</small></h5>"
                    + "<div class=\"mb-1\"><label>订单名称：</label><span>话费卡1元 x 1</span></div>"
                    + "<div class=\"mb-1\"><label>购买数量：</label><span>1</span></div>"
                    + "<div class=\"mb-1\"><label>订单创建时间：</label><span>").append(TIME.format(order.createdAt))
                    .append("</span></div><div class=\"mb-1\"><label>下单邮箱：</label><span>")
                    .append(EpayGateway.escape(order.contact())).append("</span></div>"
                    + "<div class=\"mb-1\"><label>订单类型：</label><span class=\"badge bg-success\">自动发货</span></div>"
                    + "<div class=\"mb-1\"><label>实际支付价格：</label><span>").append(order.amount().toPlainString())
                    .append("</span></div><div class=\"mb-1\"><label>订单状态：</label><span class=\"badge ")
                    .append(status[1]).append("\">").append(status[0]).append("</span></div>"
                    + "<div class=\"mb-1\"><label>支付方式：</label><span>支付宝</span></div></div></div></div>"
                    + "<div class=\"col-12 col-md-6\"><div class=\"card-body\"><h6 class=\"card-title\">订单详情</h6>"
                    + "<div class=\"card-info\"><textarea class=\"form-control\" rows=\"5\">")
                    .append(EpayGateway.escape(status[2])).append("</textarea></div><button id=\"copy-card\" "
                    + "class=\"btn btn-primary mt-2\">复制</button></div></div></div></div></div>");
        }
        return SimAnswer.html(page("订单详情", cards.append("</div></div></div></section>").toString()));
    }

    /** The status badge's words and class, and the order's info, as the store shows them now. */
    private String[] status(ShopOrder order) {
        int status = statusNow(order);
        if (status == 2) {
            return new String[] {"已过期", "bg-dark", ""};
        }
        if (status == 0) {
            return new String[] {"待支付", "bg-secondary", ""};
        }
        if (order.delivered() && OVERSOLD_INFO.equals(order.secret())) {
            return new String[] {"异常", "bg-danger", OVERSOLD_INFO};
        }
        if (order.delivered()) {
            return new String[] {"已完成", "bg-success", order.secret()};
        }
        return MANUAL_PRODUCT.equals(order.product) ? new String[] {"待处理", "bg-info", ""}
                : new String[] {"处理中", "bg-primary", ""};
    }

    private static SimAnswer error(String message) {
        return SimAnswer.html(page("出现错误了哟~", "<div class=\"page-wrapper\"><section class=\"main-container\">"
                + "<div class=\"container\"><div class=\"good-card\"><div class=\"card m-3 border-0\"><div class=\"card-body p-4\">"
                + "<h3 class=\"card-title ali-icon\">&#xe651; 出现错误了哟~： </h3><h6><small class=\"text-muted\">"
                + "似乎遇到了一点问题~</small></h6><div class=\"err-message text-center p-3\"><h5>" + message
                + "</h5></div><div class=\"col-12 mt-3 text-center\"><a href=\"javascript:history.back(-1);\" "
                + "class=\"btn btn-outline-dark\">返回</a></div></div></div></div></div></section></div>"));
    }

    private static String page(String title, String body) {
        return "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>" + title
                + " | 独角数卡</title></head><body><div class=\"container\">" + body + "</div></body></html>";
    }

    /** A visitor's Laravel session: its id and CSRF token, and the cookies to send when it is new. */
    private record Visitor(String id, String token, boolean fresh, DujiaokaShop shop) {

        SimAnswer carry(SimAnswer answer) {
            return fresh ? answer.withHeader("Set-Cookie", "XSRF-TOKEN=" + token + "; path=/; samesite=lax")
                    .withHeader("Set-Cookie", "laravel_session=" + id + "; path=/; httponly; samesite=lax") : answer;
        }

        boolean captcha(String answer) {
            return answer != null && !answer.isBlank() && answer.equals(shop.captchas.remove(id));
        }
    }

    /** The code each visitor's captcha shows; none is ever served here, so an answer never matches. */
    private final Map<String, String> captchas = new ConcurrentHashMap<>();

    private Visitor visitor(SimRequest request) {
        String id = request.cookie("laravel_session");
        String token = id.isEmpty() ? null : sessions.get(id);
        if (token != null) {
            return new Visitor(id, token, false, this);
        }
        byte[] bytes = new byte[20];
        new java.security.SecureRandom().nextBytes(bytes);
        String fresh = HexFormat.of().formatHex(bytes);
        byte[] tokenBytes = new byte[20];
        new java.security.SecureRandom().nextBytes(tokenBytes);
        String newToken = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(tokenBytes);
        sessions.put(fresh, newToken);
        return new Visitor(fresh, newToken, true, this);
    }
}
