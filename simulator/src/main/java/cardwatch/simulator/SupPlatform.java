package cardwatch.simulator;

import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The SUP-style (Orderstatu_int family) dialect: form requests with {@code Action} CZ, CX and YE to
 * {@code api.aspx}; GBK {@code k=v&k=v} answers signed {@code md5(Orderid=..&Chargeid=..&Orderstatu_int=..
 * &Errorcode=..&Password=key)}; the callback carries the same fields and expects {@code OK}. Written apart from the
 * probe's adapter, so each checks the other.
 */
final class SupPlatform implements Dialect {

    static final Charset GBK = Charset.forName("GBK");

    private final TopUpBook book;
    private final String account;
    private final String key;

    SupPlatform(TopUpBook book, String account, String key) {
        this.book = book;
        this.account = account;
        this.key = key;
    }

    @Override
    public Charset charset() {
        return GBK;
    }

    @Override
    public SimAnswer handle(String path, Map<String, String> form) {
        String action = form.getOrDefault("Action", "");
        SimAnswer intercepted = book.intercept(path, action.equals("CZ"));
        if (intercepted != null) {
            return intercepted;
        }
        if (path.isEmpty()) {
            return SimPages.home(book.id(), book.footer());
        }
        if (!account.equals(form.get("AgentAccount"))) {
            return error("1002", "代理商账号不存在");
        }
        List<String> signed = switch (action) {
            case "CZ" -> List.of("Action", "AgentAccount", "Orderid", "ProductId", "Mobile", "Price", "Notifyurl");
            case "CX" -> List.of("Action", "AgentAccount", "Orderid");
            case "YE" -> List.of("Action", "AgentAccount");
            default -> null;
        };
        if (signed == null) {
            return error("1009", "未知操作");
        }
        if (!form.getOrDefault("Sign", "").equalsIgnoreCase(md5(fields(form, signed)))) {
            return error("1003", "签名错误");
        }
        return switch (action) {
            case "CZ" -> order(form);
            case "CX" -> query(form.getOrDefault("Orderid", ""));
            default -> kv(Map.of("AgentAccount", account, "Agentbalance", book.balance().toPlainString(),
                    "Errorcode", "0000", "Errormsg", ""));
        };
    }

    private SimAnswer order(Map<String, String> form) {
        TopUpBook.Take take = book.take(form.getOrDefault("Orderid", ""), form.getOrDefault("ProductId", ""),
                form.getOrDefault("Mobile", ""), form.get("Price"), order -> callback(order, form.get("Notifyurl")));
        if (take instanceof TopUpBook.Take.Refused refused) {
            return error("2001", refused.message());
        }
        SimOrder order = ((TopUpBook.Take.Taken) take).order();
        if (order.injected() == Fault.MALFORMED) {
            return SimAnswer.text("Orderid=" + order.outTradeNum() + "&Chargeid=<html>数据库连接失败", "text/plain");
        }
        return kv(signed(order, 2, "正在处理")).delayedBy(book.profile().submitDelay());
    }

    private SimAnswer query(String orderId) {
        SimOrder order = book.find(orderId);
        if (order == null) {
            return error("1001", "订单不存在");
        }
        int state = order.stateAt(book.now());
        int status = statusOf(state);
        return kv(signed(order, status, text(status)));
    }

    private void callback(SimOrder order, String notifyUrl) {
        if (order.injected() == Fault.NOTIFY_LOST) {
            return;
        }
        int status = statusOf(order.finalState());
        Map<String, String> values = signed(order, status, text(status));
        if (order.injected() == Fault.BAD_SIGNATURE) {
            values.put("Sign", md5("tampered"));
        }
        String body = values.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), GBK))
                .collect(Collectors.joining("&"));
        book.sendNotify(notifyUrl, body, GBK, "OK", 1);
    }

    private Map<String, String> signed(SimOrder order, int status, String text) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("Action", "CX");
        values.put("AgentAccount", account);
        values.put("Orderid", order.outTradeNum());
        values.put("Chargeid", status == 16 ? order.code() : order.orderNumber());
        values.put("Orderstatu_int", String.valueOf(status));
        values.put("Orderstatu_text", text);
        values.put("OrderPayment", order.price().toPlainString());
        values.put("Errorcode", "0000");
        values.put("Errormsg", "");
        values.put("Agentbalance", book.balance().toPlainString());
        values.put("Sign", md5(fields(values, List.of("Orderid", "Chargeid", "Orderstatu_int", "Errorcode"))));
        return values;
    }

    private static int statusOf(int yrState) {
        return switch (yrState) {
            case 1 -> 16;
            case 2, 3 -> 26;
            case -1 -> 20;
            default -> 2;
        };
    }

    private static String text(int status) {
        return switch (status) {
            case 16 -> "缴费成功";
            case 26 -> "缴费失败";
            case 20 -> "取消处理";
            default -> "正在处理";
        };
    }

    private SimAnswer error(String code, String message) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("Errorcode", code);
        values.put("Errormsg", message);
        return kv(values);
    }

    private static SimAnswer kv(Map<String, String> values) {
        return SimAnswer.text(values.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("&")), "text/plain");
    }

    private String fields(Map<String, String> values, List<String> names) {
        StringBuilder text = new StringBuilder();
        for (String name : names) {
            text.append(name).append('=').append(values.getOrDefault(name, "")).append('&');
        }
        return text.append("Password=").append(key).toString();
    }

    private static String md5(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    BigDecimal balance() {
        return book.balance();
    }
}
