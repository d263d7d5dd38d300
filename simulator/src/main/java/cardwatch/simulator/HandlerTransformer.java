package cardwatch.simulator;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.HttpHeader;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.net.URLDecoder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Hands the requests that a simulated site's stub mappings route here to its handler, forms and answers in the
 * site's charset (GBK for the SUP dialect, UTF-8 elsewhere).
 */
final class HandlerTransformer implements ResponseDefinitionTransformerV2 {

    static final String NAME = "simulated-site";

    private final Function<SimRequest, SimAnswer> handler;
    private final Charset charset;

    HandlerTransformer(Function<SimRequest, SimAnswer> handler) {
        this(handler, StandardCharsets.UTF_8);
    }

    HandlerTransformer(Function<SimRequest, SimAnswer> handler, Charset charset) {
        this.handler = handler;
        this.charset = charset;
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
        Map<String, String> query = q < 0 ? Map.of() : form(url.substring(q + 1), charset);
        String body = new String(request.getBody(), charset);
        String type = String.valueOf(request.getHeader("Content-Type")).toLowerCase(Locale.ROOT);
        Map<String, String> form = type.contains("application/x-www-form-urlencoded") ? form(body, charset)
                : Map.of();
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
        boolean raw = contentType.startsWith(SimAnswer.RAW);
        if (!raw) {
            // the body is written in the site's charset below: the header must say so (a GBK site's pages are GBK)
            contentType = contentType.replace("charset=utf-8", "charset=" + charset.name());
        }
        response.withStatus(answer.status())
                .withHeader("Content-Type", raw ? contentType.substring(SimAnswer.RAW.length()) : contentType)
                .withBody(answer.body().getBytes(raw ? StandardCharsets.ISO_8859_1 : charset));
        if (answer.location() != null) {
            response.withHeader("Location", answer.location());
        }
        Map<String, java.util.List<String>> extra = new LinkedHashMap<>();
        answer.headers().forEach(h -> extra.computeIfAbsent(h.getKey(), k -> new java.util.ArrayList<>())
                .add(h.getValue()));
        extra.forEach((name, values) -> response.withHeader(name, values.toArray(String[]::new)));
        if (!answer.delay().isZero()) {
            response.withFixedDelay((int) answer.delay().toMillis());
        }
        return response.build();
    }

    /** Decodes {@code k=v&k=v} in {@code charset}. */
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
