package cardwatch.probes.purchase;

import cardwatch.probes.Reason;
import java.util.List;
import java.util.Map;

/**
 * Reads a platform's refusal message (中文 first) and names the reason. Our own problems are errors: a captcha, our
 * credentials or session, our balance, our configuration, and a request the platform could not understand
 * ({@code protocol_mismatch}: "请选择商品" means the product field was not where the platform reads it). Stock and
 * risk control are the platform's failures; anything else is a refused payment. A refusal that says our order id
 * exists already is no refusal at all: {@link #isDuplicate} sends the run to ask for that order.
 */
public final class RefusalClassifier {

    /** Rules in order: the first that matches decides. */
    private static final List<Map.Entry<Reason, List<String>>> RULES = List.of(
            Map.entry(Reason.CAPTCHA, List.of("验证码", "captcha", "行为验证", "人机验证", "极验", "geetest", "滑块")),
            Map.entry(Reason.CREDENTIALS, List.of("签名", "sign", "商户不存在", "密钥", "apikey", "白名单", "未授权",
                    "unauthorized", "请先登录", "未登录", "登录会话", "会话失效", "用户不存在", "密码错误", "被封禁",
                    "been banned")),
            Map.entry(Reason.BUDGET, List.of("余额不足", "insufficient")),
            Map.entry(Reason.CONFIG, List.of("产品不存在", "商品不存在", "面值", "最高成本", "号码格式", "未上架", "停售",
                    "已停用", "not found")),
            Map.entry(Reason.PROTOCOL_MISMATCH, List.of("请选择", "支付方式不存在", "参数", "page expired", "csrf",
                    "格式不正确", "不能低于", "至少购买", "不能为空", "请正确填写", "非法请求", "数据为空", "invalid",
                    "illegal")),
            Map.entry(Reason.OUT_OF_STOCK, List.of("库存", "缺货", "无货", "售罄", "补货", "抢走", "卖完", "售完",
                    "out of stock")),
            Map.entry(Reason.RISK_REJECTED, List.of("风控", "风险", "限制", "超限", "频繁", "黑名单", "拦截", "禁止",
                    "封禁", "无法再发起", "系统异常无法完成付款", "risk", "limit")));

    /** Words that say an order with our id exists already (acg-faka, yrapi and the like). */
    private static final List<String> DUPLICATE = List.of("already exists", "订单号重复", "单号重复", "相同商户订单号",
            "相同订单号", "duplicate");

    private RefusalClassifier() {
    }

    public static Reason classify(String message) {
        String text = message == null ? "" : message.toLowerCase();
        for (Map.Entry<Reason, List<String>> rule : RULES) {
            for (String word : rule.getValue()) {
                if (text.contains(word)) {
                    return rule.getKey();
                }
            }
        }
        return Reason.PAYMENT_FAILED;
    }

    /** Whether the platform refused because an order with our client order id exists already: then it is asked. */
    public static boolean isDuplicate(String message) {
        String text = message == null ? "" : message.toLowerCase();
        return DUPLICATE.stream().anyMatch(text::contains);
    }
}
