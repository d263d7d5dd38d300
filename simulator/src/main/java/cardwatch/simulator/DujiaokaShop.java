package cardwatch.simulator;

import java.time.Clock;

/**
 * A simulated 独角数卡 (dujiaoka) storefront: a form POST to {@code /create-order} redirects to
 * {@code /bill/{orderSN}}; {@code GET /check-order-status/{orderSN}} answers {@code {code:400000}} (wait),
 * {@code {code:400001}} (expired) or {@code {code:200}} for any status above 待支付, 异常 included; the order page
 * {@code /detail-order-sn/{orderSN}} is HTML with the status text and the 卡密 in a textarea; orders are found again
 * by e-mail at {@code /search-order-by-email}.
 */
final class DujiaokaShop extends SimShop {

    DujiaokaShop(EpayGateway gateway, Profile profile, String merchantKey, String storeToken, Clock clock, long seed) {
        super(gateway, profile, merchantKey, storeToken, clock, seed);
    }

    @Override
    String callbackPath() {
        return "/pay/epay/notify_url";
    }

    @Override
    String apology() {
        return "库存可使用卡密不足";
    }

    @Override
    SimAnswer route(SimRequest request) {
        String path = request.path();
        if (path.equals("/create-order") && request.method().equals("POST")) {
            return create(request);
        }
        if (path.equals("/")) {
            return SimPages.home("独角数卡", footer());
        }
        if (path.equals("/search-order-by-email")) {
            return search(request.param("email"));
        }
        if (path.startsWith("/bill/")) {
            return bill(byOrderNo(path.substring("/bill/".length())));
        }
        if (path.startsWith("/check-order-status/")) {
            return check(byOrderNo(path.substring("/check-order-status/".length())));
        }
        if (path.startsWith("/detail-order-sn/")) {
            return detail(byOrderNo(path.substring("/detail-order-sn/".length())));
        }
        return SimAnswer.status(404, page("404", "<p>页面不存在</p>"));
    }

    private SimAnswer create(SimRequest request) {
        String email = request.param("email");
        Placed placed = place(email, email, request.param("gid"), false, request);
        if (placed.refusal() != null) {
            return SimAnswer.html(page("提示", "<div class=\"alert alert-danger\">" + placed.refusal() + "</div>"));
        }
        return SimAnswer.redirect("/bill/" + placed.order().orderNo());
    }

    private SimAnswer bill(ShopOrder order) {
        if (order == null) {
            return SimAnswer.status(404, page("404", "<p>订单不存在</p>"));
        }
        return SimAnswer.html(page("订单确认", "<div class=\"bill\"><p>订单号：<span class=\"order-sn\">" + order.orderNo()
                + "</span></p><p>应付金额：<span class=\"amount\">" + order.amount().toPlainString() + "</span> 元</p>"
                + "<a class=\"btn pay-link\" href=\"" + order.payUrl + "\">立即支付</a></div>"));
    }

    private SimAnswer check(ShopOrder order) {
        if (order == null) {
            return SimAnswer.json("{\"code\":400001,\"msg\":\"订单不存在或已过期\"}");
        }
        int status = statusNow(order);
        return SimAnswer.json(status == 0 ? "{\"code\":400000,\"msg\":\"wait....\"}"
                : status == 2 ? "{\"code\":400001,\"msg\":\"订单已过期\"}" : "{\"code\":200,\"msg\":\"success\"}");
    }

    private SimAnswer detail(ShopOrder order) {
        if (order == null) {
            return SimAnswer.status(404, page("404", "<p>订单不存在</p>"));
        }
        int status = statusNow(order);
        boolean oversold = order.delivered() && order.secret().equals(apology());
        String text = status == 0 ? "待支付" : status == 2 ? "已过期" : oversold ? "异常"
                : order.delivered() ? "已完成" : "待处理";
        StringBuilder body = new StringBuilder("<div class=\"order-detail\"><p>订单号：<span class=\"order-sn\">")
                .append(order.orderNo()).append("</span></p><p>订单状态：<span class=\"order-status\">").append(text)
                .append("</span></p>");
        if (oversold) {
            body.append("<p class=\"order-info\">").append(apology()).append("</p>");
        }
        if (order.delivered() && !oversold) {
            body.append("<textarea class=\"form-control km\" readonly>").append(order.secret()).append("</textarea>");
        }
        return SimAnswer.html(page("订单详情", body.append("</div>").toString()));
    }

    private SimAnswer search(String email) {
        StringBuilder list = new StringBuilder("<ul class=\"orders\">");
        for (ShopOrder order : orders()) {
            if (!email.isEmpty() && order.contact().equals(email)) {
                list.append("<li><a class=\"order-link\" href=\"/detail-order-sn/").append(order.orderNo())
                        .append("\">").append(order.orderNo()).append("</a></li>");
            }
        }
        return SimAnswer.html(page("查询订单", list.append("</ul>").toString()));
    }

    private static String page(String title, String body) {
        return "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>" + title
                + " - 独角数卡</title></head><body><div class=\"container\">" + body + "</div></body></html>";
    }
}
