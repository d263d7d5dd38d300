package cardwatch.probes.purchase;

import static org.assertj.core.api.Assertions.assertThat;

import cardwatch.probes.Reason;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Platforms' and gateways' own words, and the reason each one means. */
class RefusalClassifierTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            该商品禁止出售                                  | risk_rejected
            你今天已无法再发起支付，请明天再试              | risk_rejected
            商户已封禁，无法支付！                          | risk_rejected
            系统异常无法完成付款                            | risk_rejected
            风控拦截：该账号今日下单次数超过限制            | risk_rejected
            下单过于频繁，请稍后再试                        | risk_rejected
            库存不足，请稍后再试                            | out_of_stock
            有人在你付款之前抢走了商品，请联系客服退款      | out_of_stock
            异常: 库存可使用卡密不足                        | out_of_stock
            签名错误                                        | credentials
            商户不存在                                      | credentials
            余额不足                                        | budget
            产品不存在                                      | config
            产品成本超过最高成本，提单驳回                  | config
            订单号重复，相同订单号不能提单                  | internal
            充值失败                                        | payment_failed
            """)
    void classifies(String message, String reason) {
        assertThat(RefusalClassifier.classify(message)).isEqualTo(Reason.fromLabel(reason));
    }
}
