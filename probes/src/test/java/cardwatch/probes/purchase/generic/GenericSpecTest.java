package cardwatch.probes.purchase.generic;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The generic adapter's steps are checked like the rest of the config: each problem names its field. */
class GenericSpecTest {

    /** {name:N} cuts a value to a store's column (acg-faka: request_no char(19), contact varchar(32)). */
    @Test
    void aSlotWithALengthKeepsAtMostThatManyCharactersAndAnEmailItsDomain() {
        Map<String, String> vars = Map.of("order", "CW0123456789ABCDEF0123456789",
                "contact", "cw0123456789abcdef0123456789@cardwatch.invalid");

        String form = GenericStorefront.render("{order:19}|{contact:32}|{order}|{unknown:3}", vars, v -> v);

        assertThat(form.split("\\|")).containsExactly("CW0123456789ABCDEF0", "cw0123456789ab@cardwatch.invalid",
                "CW0123456789ABCDEF0123456789", "{unknown:3}");
        assertThat(form.split("\\|")[1]).hasSize(32);
    }

    @Test
    void aMissingBlockIsNamed() {
        Map<String, String> problems = new LinkedHashMap<>();
        assertThat(GenericSpec.parse(Map.of(), problems)).isNull();
        assertThat(problems).containsExactly(Map.entry("generic", "is required for protocol generic"));
    }

    @Test
    void missingAndUnknownFieldsAreNamed() {
        Map<String, Object> generic = Map.of(
                "create", Map.of("url", "order", "colour", "red"),
                "find", Map.of("method", "PUT", "url", "query", "status", "{/status}"),
                "states", Map.of("paid", List.of("1")));
        Map<String, String> problems = new LinkedHashMap<>();

        assertThat(GenericSpec.parse(Map.of("generic", generic), problems)).isNull();

        assertThat(problems).containsOnly(
                Map.entry("generic.create.colour", "unknown field"),
                Map.entry("generic.create.order-no", "is required"),
                Map.entry("generic.create.accepted", "is required"),
                Map.entry("generic.find.method", "must be GET or POST, was PUT"),
                Map.entry("generic.code", "is required when generic.find has no code locator"),
                Map.entry("generic.states.paid", "unknown state (known: done, expired, failed, processing, unpaid)"),
                Map.entry("generic.states.done", "is required"));
    }

    @Test
    void locatorsReadJsonPointersCssSelectorsAndAttributes() {
        Object json = GenericStorefront.parse("{\"data\":[{\"status\":1,\"delivery_status\":0,\"no\":\"T1\"}]}");
        Object item = GenericStorefront.node(json, "/data/0");
        assertThat(GenericStorefront.status(item, "{/status}:{/delivery_status}")).isEqualTo("1:0");
        assertThat(GenericStorefront.locate(item, "/no")).isEqualTo("T1");

        Object html = GenericStorefront.parse("<p>订单 <span class=sn> SN42 </span><a class=pay href='http://g/p?trade_no=9'>付款</a>"
                + "<script>alert(1)</script></p>");
        assertThat(GenericStorefront.locate(html, ".sn")).isEqualTo("SN42");
        assertThat(GenericStorefront.locate(html, "a.pay@href")).isEqualTo("http://g/p?trade_no=9");
        assertThat(GenericStorefront.locate(html, "/data")).as("a JSON pointer means nothing in HTML").isNull();
    }

    @Test
    void templatesEscapeValuesForJson() {
        String body = GenericStorefront.render("{\"contact\":\"{contact}\",\"x\":\"{unknown}\"}",
                Map.of("contact", "a\"b\\c"), v -> v.replace("\\", "\\\\").replace("\"", "\\\""));
        assertThat(body).isEqualTo("{\"contact\":\"a\\\"b\\\\c\",\"x\":\"{unknown}\"}");
    }
}
