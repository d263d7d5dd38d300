package cardwatch.probes.purchase.yrapi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The document's own example parameters and key ({@code aaaaaaaaaaaaaaaaaaa}, from its PHP sample). The sign
 * values printed in the document (e.g. GZWDK8X7…) contain letters beyond F, so they are not MD5 output and
 * cannot be checked against; the expected values here were computed independently with {@code md5sum} over
 * the signing text the document describes.
 */
class YrapiSignerTest {

    private static final String DOC_KEY = "aaaaaaaaaaaaaaaaaaa";

    @Test
    void signsTheDocumentedRechargeExample() {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("out_trade_num", "ABC1111");
        params.put("product_id", "11");
        params.put("mobile", "18899998888");
        params.put("notify_url", "http://www.abc.com/yuanren");
        params.put("userid", "10001");

        assertThat(YrapiSigner.signingText(params, DOC_KEY)).isEqualTo(
                "mobile=18899998888&notify_url=http://www.abc.com/yuanren&out_trade_num=ABC1111&product_id=11"
                        + "&userid=10001&apikey=aaaaaaaaaaaaaaaaaaa");
        assertThat(YrapiSigner.sign(params, DOC_KEY)).isEqualTo("806EED59978F8825B231FA9B1F23A93C");
    }

    @Test
    void signsTheDocumentedCheckExampleWithRawCommas() {
        Map<String, String> params = Map.of("userid", "10001", "out_trade_nums", "CZH668877,CZH9988666");
        assertThat(YrapiSigner.sign(params, DOC_KEY)).isEqualTo("9A91F0671F11A561BDFD4C385CDBF09B");
    }

    @Test
    void verifiesTheDocumentedNotifyExampleOverUtf8AndRejectsATamperedOne() {
        Map<String, String> notify = new LinkedHashMap<>();
        notify.put("userid", "10001");
        notify.put("order_number", "CZH000000000");
        notify.put("out_trade_num", "ABC2222");
        notify.put("otime", "1652403339");
        notify.put("state", "1");
        notify.put("mobile", "18866667777");
        notify.put("remark", "充值成功");
        notify.put("charge_amount", "100");
        notify.put("voucher", "http://www.abc.com/xxx");
        notify.put("charge_kami", "3etydgd45gf11");
        notify.put("sign", "7f484d0100b9a0d7cd9dfa88317f74b7");

        assertThat(YrapiSigner.verify(notify, DOC_KEY)).isTrue();

        notify.put("state", "2");
        assertThat(YrapiSigner.verify(notify, DOC_KEY)).isFalse();
    }
}
