package cardwatch.probes.purchase;

import cardwatch.probes.Reason;
import java.util.List;
import java.util.Map;

/**
 * Reads a platform's refusal message (中文 first) and names the reason. Our own problems (signature, balance,
 * product) are errors; stock and risk control are the platform's failures; anything else is a refused payment.
 */
public final class RefusalClassifier {

    private static final List<Map.Entry<Reason, List<String>>> RULES = List.of(
            Map.entry(Reason.CREDENTIALS, List.of("签名", "sign", "商户不存在", "密钥", "apikey", "白名单", "未授权",
                    "unauthorized")),
            Map.entry(Reason.BUDGET, List.of("余额不足", "insufficient")),
            Map.entry(Reason.CONFIG, List.of("产品不存在", "商品不存在", "面值", "最高成本", "参数", "号码格式", "not found")),
            Map.entry(Reason.INTERNAL, List.of("订单号重复", "单号重复", "duplicate")),
            Map.entry(Reason.OUT_OF_STOCK, List.of("库存", "缺货", "无货", "售罄", "补货", "抢走", "卖完", "售完",
                    "out of stock")),
            Map.entry(Reason.RISK_REJECTED, List.of("风控", "风险", "限制", "超限", "频繁", "黑名单", "拦截", "禁止",
                    "封禁", "无法再发起", "系统异常无法完成付款", "risk", "limit")));

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
}
