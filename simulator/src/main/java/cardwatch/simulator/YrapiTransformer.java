package cardwatch.simulator;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Hands the requests that the stub mappings route here to the stateful {@link YrapiPlatform}. */
final class YrapiTransformer implements ResponseDefinitionTransformerV2 {

    static final String NAME = "yrapi-platform";
    private static final String API_PREFIX = "/yrapi.php/";

    private final YrapiPlatform platform;

    YrapiTransformer(YrapiPlatform platform) {
        this.platform = platform;
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public boolean applyGlobally() {
        return false;
    }

    @Override
    public ResponseDefinition transform(ServeEvent serveEvent) {
        String url = serveEvent.getRequest().getUrl();
        int query = url.indexOf('?');
        String path = query < 0 ? url : url.substring(0, query);
        path = path.startsWith(API_PREFIX) ? path.substring(API_PREFIX.length()) : path.substring(1);
        SimAnswer answer = platform.handle(path, form(serveEvent.getRequest().getBodyAsString()));
        ResponseDefinitionBuilder response = ResponseDefinitionBuilder.responseDefinition();
        if (answer.reset()) {
            response.withFault(com.github.tomakehurst.wiremock.http.Fault.CONNECTION_RESET_BY_PEER);
        } else {
            response.withStatus(answer.status())
                    .withHeader("Content-Type", answer.body().startsWith("<")
                            ? "text/html; charset=utf-8" : "application/json; charset=utf-8")
                    .withBody(answer.body());
        }
        if (!answer.delay().isZero()) {
            response.withFixedDelay((int) answer.delay().toMillis());
        }
        return response.build();
    }

    static Map<String, String> form(String body) {
        Map<String, String> form = new LinkedHashMap<>();
        if (body == null || body.isEmpty()) {
            return form;
        }
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            form.put(URLDecoder.decode(key, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
        }
        return form;
    }
}
