package cardwatch.probes.purchase.dujiaoka;

import cardwatch.probes.PlatformSettings;
import cardwatch.probes.ProbeContext;
import cardwatch.probes.Reason;
import cardwatch.probes.http.HttpAnswer;
import cardwatch.probes.http.HttpTransport;
import cardwatch.probes.http.TransportException;
import cardwatch.probes.purchase.BalanceAnswer;
import cardwatch.probes.purchase.OrderStatus;
import cardwatch.probes.purchase.storefront.GatewayCheckout;
import cardwatch.probes.purchase.storefront.Payment;
import cardwatch.probes.purchase.storefront.StoreAnswers;
import cardwatch.probes.purchase.storefront.StoreOrder;
import cardwatch.probes.purchase.storefront.Storefront;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/**
 * The 独角数卡 (dujiaoka) storefront as assimon/dujiaoka (9f5467ad, theme unicorn) serves it: pages, not an API, and
 * Laravel's CSRF check on every POST but {@code pay/*}. A visit keeps its cookies ({@code laravel_session},
 * {@code XSRF-TOKEN}) and reads the {@code _token} off the buy page's form ({@code static_pages/buy.blade.php}).
 * <ul>
 * <li>Order: {@code POST /create-order} (gid, email, by_amount, payway, search_pwd, _token) redirects to
 * {@code /bill/{orderSN}}; a refusal is the error page ({@code .err-message}); a wrong token is 419 Page Expired. The
 * bill ({@code static_pages/bill.blade.php}) shows 实际支付价格 and the 立即支付 link to
 * {@code /pay-gateway/{handle}/{payway}/{orderSN}}, which redirects to the gateway's route (yipay: an auto-submitting
 * form to the gateway's {@code submit.php}). The gateway trade opens only there.</li>
 * <li>Status: the order page {@code /detail-order-sn/{orderSN}} ({@code static_pages/orderinfo.blade.php}) shows the
 * status as a badge after 订单状态 (待支付, 待处理, 处理中, 已完成, 失败, 异常, 已过期) and the 卡密 in a textarea; 异常
 * with 库存可使用卡密不足 is an order paid and oversold. {@code /search-order-by-email} renders the same page for our
 * contact's orders.</li>
 * </ul>
 * dujiaoka keeps no buyer balance and has no API to pay by: its buyers pay by QR code at the gateway. Cardwatch checks
 * the checkout ({@code payer.kind: checkout}); an unpaid order expires after the store's {@code order_expire_time}
 * (5 minutes by default).
 */
public final class DujiaokaStorefront implements Storefront {

    public static final String NAME = "dujiaoka";

    /** Each run's visit: its cookies and its order, by client order id. */
    private final Cache<String, Visit> visits = Caffeine.newBuilder().maximumSize(10_000)
            .expireAfterWrite(Duration.ofDays(2)).build();

    private record Visit(HttpTransport http, String orderSn, Payment payment) {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Created create(PlatformSettings platform, ProbeContext context, boolean fromBalance) {
        if (fromBalance) {
            return new Created.Unknown(Reason.CONFIG, "dujiaoka keeps no account balance", false);
        }
        HttpTransport http = context.http().session();
        URI buy = StoreAnswers.endpoint(platform.baseUrl(), "buy/" + platform.purchase().productId());
        HttpAnswer answer;
        try {
            answer = http.get(buy);
        } catch (TransportException e) {
            return StoreAnswers.unknown("buy page", e);
        }
        Document page = Jsoup.parse(answer.body(), buy.toString());
        String refused = error(page);
        if (refused != null) {
            return new Created.Refused(refused);
        }
        if (!answer.ok()) {
            return new Created.Unknown(Reason.HTTP_ERROR, "buy page: HTTP " + answer.status() + " "
                    + StoreAnswers.snippet(answer.body()), false);
        }
        Element form = page.selectFirst("form[action$=create-order]");
        Element token = form == null ? null : form.selectFirst("input[name=_token]");
        if (token == null) {
            return new Created.Unknown(Reason.PROTOCOL_ERROR, "buy page: no order form with a _token: "
                    + StoreAnswers.snippet(page.text()), false);
        }
        if (form.selectFirst("input[name=img_verify_code], [name^=geetest], .geetest_holder") != null) {
            return new Created.Unknown(Reason.CAPTCHA, "the buy page asks a captcha (图形验证码 or 行为验证) for every "
                    + "order: it cannot be tested automatically", false);
        }
        String method = platform.payer().method();
        List<String> offered = form.select("input[name=payway]").eachAttr("value");
        if (!offered.contains(method)) {
            return new Created.Unknown(Reason.CONFIG, "the store offers no payway " + method + " (it offers "
                    + offered + "): check payer.method", false);
        }
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("_token", token.attr("value"));
        fields.put("gid", platform.purchase().productId());
        fields.put("email", Storefront.contact(context));
        fields.put("by_amount", "1");
        fields.put("payway", method);
        fields.put("search_pwd", searchPassword(context));
        fields.put("coupon_code", "");
        try {
            answer = http.postForm(StoreAnswers.endpoint(platform.baseUrl(), "create-order"), fields,
                    Map.of("Referer", buy.toString()));
        } catch (TransportException e) {
            return StoreAnswers.unknown("order", e);
        }
        if (answer.status() == 419) {
            return new Created.Unknown(Reason.PROTOCOL_MISMATCH, "create-order: HTTP 419 Page Expired, the store "
                    + "refused our CSRF token", false);
        }
        Document result = Jsoup.parse(answer.body(), platform.baseUrl().toString());
        String path = answer.url() == null ? "" : answer.url().getPath();
        if (!path.contains("/bill/")) {
            String message = error(result);
            return message != null ? new Created.Refused(message) : StoreAnswers.unusable("order (no bill page)",
                    answer);
        }
        if (!answer.ok()) {
            return StoreAnswers.unusable("bill", answer);
        }
        StoreOrder order = bill(path.substring(path.lastIndexOf('/') + 1), result);
        visits.put(context.clientOrderId(), new Visit(http, order.orderNo(), order.payment()));
        return new Created.Order(order, false);
    }

    @Override
    public GatewayCheckout.Outcome checkout(PlatformSettings platform, ProbeContext context, StoreOrder order)
            throws InterruptedException {
        Visit visit = visits.getIfPresent(context.clientOrderId());
        GatewayCheckout.Outcome outcome = GatewayCheckout.follow(visit == null ? context.http() : visit.http(),
                platform.baseUrl(), platform.payer().gateway(), order, DujiaokaStorefront::error);
        if (visit != null && outcome instanceof GatewayCheckout.Outcome.Shown shown && !shown.tradeNo().isEmpty()) {
            visits.put(context.clientOrderId(), new Visit(visit.http(), visit.orderSn(),
                    visit.payment().withTradeNo(shown.tradeNo())));
        }
        return outcome;
    }

    @Override
    public Lookup find(PlatformSettings platform, ProbeContext context) {
        Visit visit = visits.getIfPresent(context.clientOrderId());
        if (visit == null) {
            return search(platform, context);
        }
        HttpAnswer answer;
        try {
            answer = visit.http().get(StoreAnswers.endpoint(platform.baseUrl(), "detail-order-sn/" + visit.orderSn()));
        } catch (TransportException e) {
            return StoreAnswers.failed("order page", e);
        }
        Document page = Jsoup.parse(answer.body(), platform.baseUrl().toString());
        List<StoreOrder> orders = orders(page, visit.payment());
        for (StoreOrder order : orders) {
            if (order.orderNo().equals(visit.orderSn())) {
                return order.status() == null ? unknownStatus(order) : new Lookup.Found(order);
            }
        }
        String message = error(page);
        if (message != null) {
            return new Lookup.NotFound(message);
        }
        return StoreAnswers.failed("order page", answer);
    }

    /** Finds our order by its contact e-mail (and the search password we set), as after a restart. */
    private Lookup search(PlatformSettings platform, ProbeContext context) {
        HttpTransport http = context.http().session();
        URI form = StoreAnswers.endpoint(platform.baseUrl(), "order-search");
        HttpAnswer answer;
        try {
            answer = http.get(form);
            Element token = Jsoup.parse(answer.body()).selectFirst("input[name=_token]");
            if (!answer.ok() || token == null) {
                return new Lookup.Failed(Reason.PROTOCOL_ERROR, "order search page: HTTP " + answer.status()
                        + ", no _token");
            }
            answer = http.postForm(StoreAnswers.endpoint(platform.baseUrl(), "search-order-by-email"),
                    Map.of("_token", token.attr("value"), "email", Storefront.contact(context), "search_pwd",
                            searchPassword(context)), Map.of("Referer", form.toString()));
        } catch (TransportException e) {
            return StoreAnswers.failed("search", e);
        }
        if (answer.status() == 419) {
            return new Lookup.Failed(Reason.PROTOCOL_MISMATCH, "search: HTTP 419 Page Expired, the store refused our "
                    + "CSRF token");
        }
        Document page = Jsoup.parse(answer.body(), platform.baseUrl().toString());
        List<StoreOrder> orders = orders(page, new Payment("", "", null));
        if (orders.isEmpty()) {
            String message = error(page);
            return message != null ? new Lookup.NotFound(message) : StoreAnswers.failed("search", answer);
        }
        StoreOrder order = orders.get(0);
        visits.put(context.clientOrderId(), new Visit(http, order.orderNo(), order.payment()));
        return order.status() == null ? unknownStatus(order) : new Lookup.Found(order);
    }

    private static Lookup unknownStatus(StoreOrder order) {
        return new Lookup.Failed(Reason.PROTOCOL_ERROR, "order page: order " + order.orderNo()
                + " shows a status we do not know");
    }

    /**
     * The orders an order page lists, each with its state; a state that is none of the store's own words has a null
     * status.
     */
    static List<StoreOrder> orders(Document page, Payment payment) {
        List<StoreOrder> orders = new ArrayList<>();
        for (Element card : page.select(".order-card div.card.mt-3")) {
            Element sn = card.selectFirst("h5 small");
            if (sn == null || !sn.text().contains("：")) {
                continue;
            }
            String orderSn = sn.text().substring(sn.text().indexOf('：') + 1).strip();
            Element badge = labelled(card, "订单状态");
            Element info = card.selectFirst("textarea");
            String words = badge == null ? "" : badge.text().strip();
            String detail = info == null ? "" : info.wholeText().strip();
            BigDecimal amount = payment.amount();
            Element price = labelled(card, "实际支付价格");
            if (price != null && StoreAnswers.decimal(price.text().replaceAll("[^0-9.]", "")) != null) {
                amount = StoreAnswers.decimal(price.text().replaceAll("[^0-9.]", ""));
            }
            OrderStatus.State state = switch (words) {
                case "待支付" -> OrderStatus.State.UNPAID;
                case "待处理", "处理中" -> OrderStatus.State.PROCESSING;
                case "已完成" -> OrderStatus.State.SUCCESS;
                case "失败", "异常" -> OrderStatus.State.FAILED;
                case "已过期" -> OrderStatus.State.EXPIRED;
                default -> null;
            };
            OrderStatus status = state == null ? null : new OrderStatus(state, orderSn,
                    state == OrderStatus.State.SUCCESS ? detail : "",
                    state == OrderStatus.State.FAILED && !detail.isEmpty() ? words + ": " + detail : words, amount);
            orders.add(new StoreOrder(orderSn, new Payment(payment.tradeNo(), payment.payUrl(), amount), status));
        }
        return orders;
    }

    /** The bill: the amount after 实际支付价格 and the 立即支付 link. */
    static StoreOrder bill(String sn, Document page) {
        Element price = labelled(page, "实际支付价格");
        BigDecimal amount = price == null ? null : StoreAnswers.decimal(price.text().replaceAll("[^0-9.]", ""));
        Element pay = page.selectFirst(".pay-now a[href]");
        String url = pay == null ? "" : pay.attr("href");
        return new StoreOrder(sn, new Payment("", url, amount), new OrderStatus(OrderStatus.State.UNPAID, sn, "",
                "待支付", amount));
    }

    /** The element after a {@code <label>} whose text starts with {@code label} (the unicorn pages' layout). */
    private static Element labelled(Element scope, String label) {
        for (Element element : scope.select("label")) {
            if (element.text().strip().startsWith(label)) {
                return element.nextElementSibling();
            }
        }
        return null;
    }

    /** The message of dujiaoka's error page ({@code errors/error.blade.php}), or null when the page is none. */
    static String error(Document page) {
        Element message = page.selectFirst(".err-message");
        if (message != null) {
            return message.text().strip();
        }
        String title = page.title();
        return title.contains("Page Expired") || title.contains("419") ? "419 Page Expired" : null;
    }

    /** The 查询密码 we give each order, so that it can be searched for even where the store requires one. */
    private static String searchPassword(ProbeContext context) {
        String id = context.clientOrderId().toLowerCase();
        return "cw" + id.substring(Math.max(0, id.length() - 10));
    }

    @Override
    public BalanceAnswer balance(PlatformSettings platform, ProbeContext context) {
        return new BalanceAnswer.Failed(Reason.CONFIG, "dujiaoka keeps no account balance");
    }
}
