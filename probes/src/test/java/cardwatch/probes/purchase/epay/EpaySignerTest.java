package cardwatch.probes.purchase.epay;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The epay signature over the parameters of the common integration example (pid 1001, a VIP会员 order of 1.00).
 * The expected digests were computed independently (Python's hashlib over the text the rules describe).
 */
class EpaySignerTest {

    private static final String KEY = "89unJUB8HZ54Hj7x4nUj56HN4nUzUJ8i";

    private static Map<String, String> example() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("pid", "1001");
        p.put("type", "alipay");
        p.put("out_trade_no", "20160806151343349");
        p.put("notify_url", "http://www.pay.com/notify_url.php");
        p.put("return_url", "http://www.pay.com/return_url.php");
        p.put("name", "VIP会员");
        p.put("money", "1.00");
        p.put("clientip", "192.168.1.100");
        p.put("device", "pc");
        p.put("param", "");
        p.put("sign_type", "MD5");
        return p;
    }

    @ParameterizedTest(name = "keyPrefix={0} keepEmpty={1}")
    @CsvSource({
        "false, false, b69877a0d1c17c9a7e66f63a2dca869f",
        "true,  false, 4e4d36b6816ba5ae3a4311bda2d39005",
        "false, true,  14e4b162a43219e6b9d1fc11c31d9e69"})
    void signsEachVariant(boolean keyPrefix, boolean keepEmpty, String expected) {
        EpaySigner signer = new EpaySigner(keyPrefix, keepEmpty);
        assertThat(signer.sign(example(), KEY)).isEqualTo(expected);
        Map<String, String> signed = example();
        signed.put("sign", expected.toUpperCase());
        assertThat(signer.verify(signed, KEY)).as("case-insensitive").isTrue();
        signed.put("money", "100.00");
        assertThat(signer.verify(signed, KEY)).isFalse();
    }

    @Test
    void theStandardTextDropsSignSignTypeAndEmptyValuesAndAppendsTheBareKey() {
        assertThat(EpaySigner.STANDARD.signingText(example(), KEY)).isEqualTo(
                "clientip=192.168.1.100&device=pc&money=1.00&name=VIP会员&notify_url=http://www.pay.com/notify_url.php"
                        + "&out_trade_no=20160806151343349&pid=1001&return_url=http://www.pay.com/return_url.php"
                        + "&type=alipay" + KEY);
    }
}
