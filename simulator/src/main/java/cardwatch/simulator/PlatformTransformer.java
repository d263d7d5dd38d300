package cardwatch.simulator;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.net.URLDecoder;
import java.nio.charset.Charset;
import java.util.LinkedHashMap;
import java.util.Map;

/** Hands the requests that the stub mappings route here to a platform's {@link Dialect}. */
final class PlatformTransformer implements ResponseDefinitionTransformerV2 {

    static final String NAME = "simulated-platform";

    private final Dialect dialect;
    private final String apiPrefix;

    PlatformTransformer(Dialect dialect, String apiPrefix) {
        this.dialect = dialect;
        this.apiPrefix = apiPrefix;
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
        path = path.startsWith(apiPrefix) ? path.substring(apiPrefix.length()) : path.substring(1);
        Charset charset = dialect.charset();
        SimAnswer answer = dialect.handle(path, form(new String(serveEvent.getRequest().getBody(), charset),
                charset));
        ResponseDefinitionBuilder response = ResponseDefinitionBuilder.responseDefinition();
        if (answer.reset()) {
            response.withFault(com.github.tomakehurst.wiremock.http.Fault.CONNECTION_RESET_BY_PEER);
        } else {
            String type = answer.contentType() != null ? answer.contentType()
                    : answer.body().startsWith("<") ? "text/html; charset=utf-8" : "application/json; charset=utf-8";
            response.withStatus(answer.status()).withHeader("Content-Type", type)
                    .withBody(answer.body().getBytes(charset));
        }
        if (!answer.delay().isZero()) {
            response.withFixedDelay((int) answer.delay().toMillis());
        }
        return response.build();
    }

    static Map<String, String> form(String body, Charset charset) {
        Map<String, String> form = new LinkedHashMap<>();
        if (body == null || body.isEmpty()) {
            return form;
        }
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            form.put(URLDecoder.decode(key, charset), URLDecoder.decode(value, charset));
        }
        return form;
    }
}
