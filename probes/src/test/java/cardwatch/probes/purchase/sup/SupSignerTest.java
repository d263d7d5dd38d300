package cardwatch.probes.purchase.sup;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.Charset;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The SUP callback signature against a vector published with an open-source client of this API family: a 缴费成功
 * callback (Orderid SH2009_05150001, Chargeid 2893131209, Orderstatu_int 16, Errorcode 0000) signed with key
 * 0FE8E43F53BB5848 gives 59976d41950c16007e35a2886203564f.
 */
class SupSignerTest {

    private static Map<String, String> published() {
        Map<String, String> data = new LinkedHashMap<>();
        data.put("Action", "CX");
        data.put("AgentAccount", "api_test");
        data.put("Agentbalance", "98981.00");
        data.put("Orderid", "SH2009_05150001");
        data.put("Chargeid", "2893131209");
        data.put("Orderstatu_int", "16");
        data.put("Orderstatu_text", "缴费成功");
        data.put("OrderPayment", "3.00");
        data.put("Errorcode", "0000");
        data.put("Errormsg", "");
        data.put("Sign", "59976d41950c16007e35a2886203564f");
        return data;
    }

    @Test
    void verifiesThePublishedCallback() {
        assertThat(SupSigner.signingText(published(), SupSigner.ANSWER_FIELDS, "0FE8E43F53BB5848")).isEqualTo(
                "Orderid=SH2009_05150001&Chargeid=2893131209&Orderstatu_int=16&Errorcode=0000"
                        + "&Password=0FE8E43F53BB5848");
        assertThat(SupSigner.verifyAnswer(published(), "0FE8E43F53BB5848")).isTrue();
    }

    @Test
    void aChangedStatusOrKeyFailsVerification() {
        Map<String, String> tampered = published();
        tampered.put("Orderstatu_int", "11");
        assertThat(SupSigner.verifyAnswer(tampered, "0FE8E43F53BB5848")).isFalse();
        assertThat(SupSigner.verifyAnswer(published(), "0FE8E43F53BB5849")).isFalse();
    }

    @Test
    void aGbkAnswerIsReadWithItsChineseIntact() {
        byte[] wire = "Orderid=A1&Chargeid=C1&Orderstatu_int=16&Orderstatu_text=缴费成功&Errorcode=0000&Errormsg="
                .getBytes(Charset.forName("GBK"));
        Map<String, String> values = SupProtocol.parse(new String(wire, SupProtocol.GBK));
        assertThat(values).containsEntry("Orderstatu_text", "缴费成功");
        assertThat(SupProtocol.status(values).statusText()).isEqualTo("缴费成功");
        assertThat(new String(wire, java.nio.charset.StandardCharsets.UTF_8)).as("what UTF-8 would make of it")
                .doesNotContain("缴费成功");
    }
}
