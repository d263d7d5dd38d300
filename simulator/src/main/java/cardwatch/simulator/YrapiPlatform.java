package cardwatch.simulator;

import java.net.URLEncoder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The 大猿人 {@code yrapi.php} dialect: form POSTs to {@code index/recharge}, {@code index/check} and
 * {@code index/user}, JSON answers with {@code errno}/{@code errmsg}/{@code data}, upper-case MD5 signatures with
 * {@code &apikey=}, and a signed async notify that expects {@code success}.
 */
final class YrapiPlatform implements Dialect {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final TopUpBook book;
    private final String merchantId;
    private final String apiKey;
    private final Function<String, TopUpBook> accounts;

    YrapiPlatform(TopUpBook book, String merchantId, String apiKey) {
        this(book, merchantId, apiKey, id -> null);
    }

    /**
     * @param accounts  further merchant accounts on the same platform, each with its own balance and orders: the book
     *                  for a merchant id, or null when there is no such account
     */
    YrapiPlatform(TopUpBook book, String merchantId, String apiKey, Function<String, TopUpBook> accounts) {
        this.book = book;
        this.merchantId = merchantId;
        this.apiKey = apiKey;
        this.accounts = accounts;
    }

    /** The book of the request's merchant, or null when it has no account here. */
    private TopUpBook bookOf(Map<String, String> form) {
        String userid = form.getOrDefault("userid", "");
        return merchantId.equals(userid) ? book : accounts.apply(userid);
    }

    @Override
    public Charset charset() {
        return StandardCharsets.UTF_8;
    }

    @Override
    public SimAnswer handle(String path, Map<String, String> form) {
        SimAnswer intercepted = book.intercept(path, path.equals("index/recharge"));
        if (intercepted != null) {
            return intercepted;
        }
        return switch (path) {
            case "index/recharge" -> recharge(form);
            case "index/check" -> check(form);
            case "index/user" -> user(form);
            case "" -> SimPages.home(book.id(), book.footer());
            default -> SimAnswer.status(404, "not found");
        };
    }

    private SimAnswer recharge(Map<String, String> form) {
        SimAnswer refusal = authenticate(form);
        if (refusal != null) {
            return refusal;
        }
        TopUpBook book = bookOf(form);
        String merchant = form.get("userid");
        TopUpBook.Take take = book.take(form.getOrDefault("out_trade_num", ""), form.getOrDefault("product_id", ""),
                form.getOrDefault("mobile", ""), form.get("price"),
                order -> complete(book, merchant, order, form.get("notify_url")));
        if (take instanceof TopUpBook.Take.Refused refused) {
            return refuse(refused.message());
        }
        SimOrder order = ((TopUpBook.Take.Taken) take).order();
        if (order.injected() == Fault.MALFORMED) {
            return SimAnswer.json("{\"errno\":0,\"errmsg\":\"下单成功\",\"data\":{\"order_number\":\""
                    + order.orderNumber() + "\",<br/><b>Warning</b>: mysqli_connect(): Too many connections");
        }
        ObjectNode data = JSON.createObjectNode()
                .put("order_number", order.orderNumber())
                .put("mobile", order.mobile())
                .put("product_id", order.productId())
                .put("total_price", order.price().toPlainString())
                .put("out_trade_num", order.outTradeNum())
                .put("title", "话费直充");
        return ok("下单成功", data).delayedBy(book.profile().submitDelay());
    }

    private void complete(TopUpBook book, String merchantId, SimOrder order, String notifyUrl) {
        if (order.injected() == Fault.NOTIFY_LOST) {
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
        String body = notify.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        book.sendNotify(notifyUrl, body, StandardCharsets.UTF_8, "success", 1);
    }

    private SimAnswer check(Map<String, String> form) {
        SimAnswer refusal = authenticate(form);
        if (refusal != null) {
            return refusal;
        }
        TopUpBook book = bookOf(form);
        Instant now = book.now();
        ArrayNode data = JSON.createArrayNode();
        for (String outTradeNum : form.getOrDefault("out_trade_nums", "").split(",")) {
            SimOrder order = book.find(outTradeNum.trim());
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
        TopUpBook book = bookOf(form);
        ObjectNode data = JSON.createObjectNode().put("id", form.get("userid")).put("username", book.id())
                .put("balance", book.balance().toPlainString());
        return ok("ok", data);
    }

    private SimAnswer authenticate(Map<String, String> form) {
        if (bookOf(form) == null) {
            return refuse("商户不存在");
        }
        if (!form.getOrDefault("sign", "").equalsIgnoreCase(YrapiSignature.of(form, apiKey))) {
            return refuse("签名错误");
        }
        return null;
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

    private static SimAnswer ok(String message, JsonNode data) {
        ObjectNode body = JSON.createObjectNode().put("errno", 0).put("errmsg", message);
        body.set("data", data);
        return SimAnswer.json(body.toString());
    }

    private static SimAnswer refuse(String message) {
        return SimAnswer.json(JSON.createObjectNode().put("errno", 1).put("errmsg", message).toString());
    }
}
