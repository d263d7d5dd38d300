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
            充值失败                                        | payment_failed
            验证码错误                                      | captcha
            图形验证码错误                                  | captcha
            行为验证未通过                                  | captcha
            请选择商品                                      | protocol_mismatch
            请选择商品在下单                                | protocol_mismatch
            该支付方式不存在                                | protocol_mismatch
            请选择支付方式                                  | protocol_mismatch
            请正确填写邮箱                                  | protocol_mismatch
            419 Page Expired                                | protocol_mismatch
            CSRF token mismatch.                            | protocol_mismatch
            联系方式不能低于3个字符                         | protocol_mismatch
            参数错误                                        | protocol_mismatch
            您未登录，请先登录后再使用余额支付              | credentials
            登录会话过期，请重新登录..                      | credentials
            当前商品已停售                                  | config
            该商品未上架！                                  | config
            商品不存在                                      | config
            该支付方式未实现接口，无法使用                  | payment_failed
            很抱歉，有人在你付款之前抢走了商品，请联系客服。| out_of_stock
            """)
    void classifies(String message, String reason) {
        assertThat(RefusalClassifier.classify(message)).isEqualTo(Reason.fromLabel(reason));
    }

    /** Refusals that say our order id exists already: the run asks for that order instead of calling it a failure. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            The request ID already exists
            已经存在相同商户订单号的订单
            订单号重复，相同订单号不能提单
            """)
    void duplicates(String message) {
        assertThat(RefusalClassifier.isDuplicate(message)).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            订单已经支付过了，请勿重复支付
            库存不足
            """)
    void notDuplicates(String message) {
        assertThat(RefusalClassifier.isDuplicate(message)).isFalse();
    }
}
