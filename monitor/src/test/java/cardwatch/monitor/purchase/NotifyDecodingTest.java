package cardwatch.monitor.purchase;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.mock.web.MockHttpServletRequest;

/** A notify's words come out right whatever the encoding it was sent in, declared or not. */
class NotifyDecodingTest {

    @ParameterizedTest(name = "sent in {0}, declared {1}, protocol {2}")
    @CsvSource(delimiter = '|', textBlock = """
            UTF-8 | none  | UTF-8
            GBK   | none  | UTF-8
            GBK   | GBK   | UTF-8
            GBK   | none  | GBK
            UTF-8 | UTF-8 | GBK
            """)
    void chineseValuesAreReadInTheEncodingTheyWereSentIn(String sent, String declared, String protocol)
            throws Exception {
        Charset charset = Charset.forName(sent);
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/callbacks/x/notify");
        request.setContentType("application/x-www-form-urlencoded"
                + ("none".equals(declared) ? "" : "; charset=" + declared));
        request.setContent(("remark=" + URLEncoder.encode("充值成功 100%", charset) + "&state=1")
                .getBytes(StandardCharsets.ISO_8859_1));
        request.setQueryString("msg=" + URLEncoder.encode("库存不足", charset));

        var form = NotifyController.parameters(request, Charset.forName(protocol));

        assertThat(form).containsEntry("remark", "充值成功 100%").containsEntry("state", "1")
                .containsEntry("msg", "库存不足");
    }
}
