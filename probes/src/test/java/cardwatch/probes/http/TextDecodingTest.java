package cardwatch.probes.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each kind of answer a Chinese platform sends, in each encoding, with and without saying which. */
class TextDecodingTest {

    @ParameterizedTest(name = "{0} in {1}, declared {2}")
    @CsvSource(delimiter = '|', textBlock = """
            {"code":1,"msg":"商品库存不足"}                  | GBK     | none
            {"code":1,"msg":"商品库存不足"}                  | GB18030 | none
            {"code":1,"msg":"商品库存不足"}                  | UTF-8   | none
            {"code":1,"msg":"商品库存不足"}                  | GBK     | GBK
            status=2&msg=充值失败，请联系客服                | GBK     | none
            status=2&msg=充值失败，请联系客服                | UTF-8   | none
            <html><title>卡密自动发货</title>维护中</html>   | GB2312  | none
            <html><title>卡密自动发货</title>维护中</html>   | UTF-8   | UTF-8
            订单𠀀已完成                                     | GB18030 | none
            """)
    void chineseTextIsReadWhateverTheEncoding(String text, String encoding, String declared) {
        byte[] bytes = text.getBytes(Charset.forName(encoding));

        String read = TextDecoding.decode(bytes, "none".equals(declared) ? null : Charset.forName(declared),
                StandardCharsets.UTF_8);

        assertThat(read).isEqualTo(text);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            Orderstatu_int=2&Orderstatu_text=充值失败
            """)
    void aProtocolThatSpeaksGbkIsReadInGbk(String text) {
        assertThat(TextDecoding.decode(text.getBytes(Charset.forName("GBK")), null, Charset.forName("GBK")))
                .isEqualTo(text);
    }
}
