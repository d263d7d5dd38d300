package cardwatch.simulator;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.HttpHeader;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/** Hands every request of a simulated storefront or gateway to its handler. */
final class HandlerTransformer implements ResponseDefinitionTransformerV2 {

    static final String NAME = "simulated-site";

    private final Function<SimRequest, SimAnswer> handler;

    HandlerTransformer(Function<SimRequest, SimAnswer> handler) {
        this.handler = handler;
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
        Request request = serveEvent.getRequest();
        String url = request.getUrl();
        int q = url.indexOf('?');
        String path = q < 0 ? url : url.substring(0, q);
        Map<String, String> query = q < 0 ? Map.of() : PlatformTransformer.form(url.substring(q + 1),
                StandardCharsets.UTF_8);
        String body = request.getBodyAsString();
        String type = String.valueOf(request.getHeader("Content-Type")).toLowerCase(Locale.ROOT);
        Map<String, String> form = type.contains("application/x-www-form-urlencoded")
                ? PlatformTransformer.form(body, StandardCharsets.UTF_8) : Map.of();
        Map<String, String> headers = new LinkedHashMap<>();
        for (HttpHeader header : request.getHeaders().all()) {
            headers.put(header.key().toLowerCase(Locale.ROOT), header.firstValue());
        }
        SimAnswer answer = handler.apply(new SimRequest(request.getMethod().getName(), path, query, form, body,
                headers));
        ResponseDefinitionBuilder response = ResponseDefinitionBuilder.responseDefinition();
        if (answer.reset()) {
            return response.withFault(com.github.tomakehurst.wiremock.http.Fault.CONNECTION_RESET_BY_PEER).build();
        }
        String contentType = answer.contentType() != null ? answer.contentType()
                : answer.body().startsWith("<") ? "text/html; charset=utf-8" : "application/json; charset=utf-8";
        response.withStatus(answer.status()).withHeader("Content-Type", contentType)
                .withBody(answer.body().getBytes(StandardCharsets.UTF_8));
        if (answer.location() != null) {
            response.withHeader("Location", answer.location());
        }
        if (!answer.delay().isZero()) {
            response.withFixedDelay((int) answer.delay().toMillis());
        }
        return response.build();
    }
}
