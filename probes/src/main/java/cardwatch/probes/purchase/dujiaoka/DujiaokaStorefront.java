package cardwatch.probes.purchase.dujiaoka;

import cardwatch.probes.PlatformSettings;
import cardwatch.probes.ProbeContext;
import cardwatch.probes.Reason;
import cardwatch.probes.http.HttpAnswer;
import cardwatch.probes.http.TransportException;
import cardwatch.probes.purchase.BalanceAnswer;
import cardwatch.probes.purchase.OrderStatus;
import cardwatch.probes.purchase.storefront.Payment;
import cardwatch.probes.purchase.storefront.StoreAnswers;
import cardwatch.probes.purchase.storefront.StoreOrder;
import cardwatch.probes.purchase.storefront.Storefront;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import tools.jackson.databind.JsonNode;

/**
 * The 独角数卡 (dujiaoka) storefront: a form POST to {@code /create-order} redirects to {@code /bill/{orderSN}};
 * {@code GET /check-order-status/{orderSN}} answers {@code {code:400000}} (wait), {@code {code:400001}} (expired) or
 * {@code {code:200}}, but 200 stands for any status above 待支付, 异常 included, so the order page (HTML, read with
 * Jsoup: the status text, the 卡密 in a textarea) is read as well. Status 异常 with 库存可使用卡密不足 after payment is
 * oversold, out_of_stock. Orders are found again by our contact e-mail; the orderSN is remembered meanwhile.
 */
public final class DujiaokaStorefront implements Storefront {

    public static final String NAME = "dujiaoka";

    /** Our orders' numbers and payments by client order id, so a poll costs two requests, not four. */
    private final Cache<String, StoreOrder> known = Caffeine.newBuilder().maximumSize(10_000)
            .expireAfterWrite(Duration.ofDays(2)).build();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Created create(PlatformSettings platform, ProbeContext context, boolean fromBalance) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("gid", platform.purchase().productId());
        form.put("email", Storefront.contact(context));
        form.put("payway", platform.payer().method());
        form.put("search_pwd", "");
        form.put("by_amount", "1");
        HttpAnswer answer;
        try {
            answer = context.http().postForm(StoreAnswers.endpoint(platform.baseUrl(), "create-order"), form);
        } catch (TransportException e) {
            return StoreAnswers.unknown("order", e);
        }
        if (!answer.ok()) {
            return StoreAnswers.unusable("order", answer);
        }
        Document page = Jsoup.parse(answer.body(), platform.baseUrl().toString());
        String path = answer.url() == null ? "" : answer.url().getPath();
        if (!path.contains("/bill/")) {
            Element alert = page.selectFirst(".alert");
            return alert != null ? new Created.Refused(alert.text())
                    : StoreAnswers.unusable("order (no bill page)", answer);
        }
        StoreOrder order = bill(path.substring(path.lastIndexOf('/') + 1), page);
        known.put(context.clientOrderId(), order);
        return new Created.Order(order, false);
    }

    @Override
    public Lookup find(PlatformSettings platform, ProbeContext context) {
        StoreOrder order = known.getIfPresent(context.clientOrderId());
        if (order == null) {
            Lookup searched = search(platform, context);
            if (!(searched instanceof Lookup.Found found)) {
                return searched;
            }
            order = found.order();
            known.put(context.clientOrderId(), order);
        }
        String sn = order.orderNo();
        HttpAnswer answer;
        try {
            answer = context.http().get(StoreAnswers.endpoint(platform.baseUrl(), "check-order-status/" + sn));
        } catch (TransportException e) {
            return StoreAnswers.failed("status", e);
        }
        JsonNode root = answer.ok() ? StoreAnswers.json(answer.body()) : null;
        if (root == null) {
            return StoreAnswers.failed("status", answer);
        }
        int code = root.path("code").asInt(0);
        if (code == 400000) {
            return found(order, OrderStatus.State.UNPAID, "", "待支付");
        }
        if (code == 400001) {
            return found(order, OrderStatus.State.EXPIRED, "", "已过期");
        }
        if (code != 200) {
            return new Lookup.Failed(Reason.PROTOCOL_ERROR, "status: unknown code " + code);
        }
        return detail(platform, context, order);
    }

    /** The order page: its status text is the truth that the status poll's 200 hides. */
    private Lookup detail(PlatformSettings platform, ProbeContext context, StoreOrder order) {
        HttpAnswer answer;
        try {
            answer = context.http().get(StoreAnswers.endpoint(platform.baseUrl(), "detail-order-sn/"
                    + order.orderNo()));
        } catch (TransportException e) {
            return StoreAnswers.failed("order page", e);
        }
        if (!answer.ok()) {
            return StoreAnswers.failed("order page", answer);
        }
        Document page = Jsoup.parse(answer.body());
        Element status = page.selectFirst(".order-status");
        if (status == null) {
            return new Lookup.Failed(Reason.PROTOCOL_ERROR, "order page: no status");
        }
        String text = status.text().strip();
        Element info = page.selectFirst(".order-info");
        Element code = page.selectFirst("textarea");
        return switch (text) {
            case "已完成" -> found(order, OrderStatus.State.SUCCESS, code == null ? "" : code.text().strip(), text);
            case "异常", "处理失败" -> found(order, OrderStatus.State.FAILED, "",
                    info == null ? text : text + ": " + info.text());
            case "待处理", "处理中" -> found(order, OrderStatus.State.PROCESSING, "", text);
            case "待支付" -> found(order, OrderStatus.State.UNPAID, "", text);
            case "已过期" -> found(order, OrderStatus.State.EXPIRED, "", text);
            default -> new Lookup.Failed(Reason.PROTOCOL_ERROR, "order page: unknown status " + text);
        };
    }

    /** Finds our order by its contact e-mail, then its bill for the payment. */
    private Lookup search(PlatformSettings platform, ProbeContext context) {
        HttpAnswer answer;
        try {
            answer = context.http().postForm(StoreAnswers.endpoint(platform.baseUrl(), "search-order-by-email"),
                    Map.of("email", Storefront.contact(context), "search_pwd", ""));
        } catch (TransportException e) {
            return StoreAnswers.failed("search", e);
        }
        if (!answer.ok()) {
            return StoreAnswers.failed("search", answer);
        }
        Element link = Jsoup.parse(answer.body()).selectFirst("a.order-link");
        if (link == null) {
            return new Lookup.NotFound("no order for " + Storefront.contact(context));
        }
        String sn = link.text().strip();
        try {
            HttpAnswer bill = context.http().get(StoreAnswers.endpoint(platform.baseUrl(), "bill/" + sn));
            return new Lookup.Found(bill(sn, Jsoup.parse(bill.body(), platform.baseUrl().toString())));
        } catch (TransportException e) {
            return StoreAnswers.failed("bill", e);
        }
    }

    private static StoreOrder bill(String sn, Document page) {
        Element amount = page.selectFirst(".amount");
        Element pay = page.selectFirst("a.pay-link");
        BigDecimal money = amount == null ? null : StoreAnswers.decimal(amount.text());
        String url = pay == null ? "" : pay.attr("href");
        return new StoreOrder(sn, new Payment(StoreAnswers.tradeNo(url), url, money),
                new OrderStatus(OrderStatus.State.UNPAID, sn, "", "待支付", money));
    }

    private static Lookup found(StoreOrder order, OrderStatus.State state, String code, String words) {
        return new Lookup.Found(new StoreOrder(order.orderNo(), order.payment(), new OrderStatus(state,
                order.orderNo(), code, words, order.payment().amount())));
    }

    @Override
    public BalanceAnswer balance(PlatformSettings platform, ProbeContext context) {
        return new BalanceAnswer.Failed(Reason.CONFIG, "dujiaoka keeps no account balance");
    }
}
