package cardwatch.monitor.hooks.webhook;

import cardwatch.monitor.hooks.AlertChannel;
import cardwatch.monitor.hooks.Notice;
import cardwatch.monitor.hooks.Signatures;
import java.io.IOException;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import tools.jackson.databind.json.JsonMapper;

/**
 * A generic webhook: {@code POST} of a JSON document (schema {@code cardwatch.alert.v1}, see the README) with
 * header {@code X-Cardwatch-Signature: sha256=<hex HMAC-SHA256 of the body with the shared secret>}. Any 2xx is
 * delivered.
 */
public final class WebhookChannel implements AlertChannel {

    public static final String SIGNATURE_HEADER = "X-Cardwatch-Signature";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final MediaType TYPE = MediaType.get("application/json; charset=utf-8");

    private final String url;
    private final String secret;
    private final OkHttpClient client;

    public WebhookChannel(String url, String secret, OkHttpClient client) {
        this.url = url;
        this.secret = secret;
        this.client = client;
    }

    @Override
    public String name() {
        return "webhook";
    }

    /** The body exactly as sent. */
    public static String body(Notice n) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("schema", "cardwatch.alert.v1");
        doc.put("dedup_key", n.key());
        doc.put("event", n.event());
        doc.put("incident_id", n.incidentId());
        doc.put("platform", n.platform());
        doc.put("platform_name", n.name());
        doc.put("probe", n.probe());
        doc.put("cause", n.cause());
        doc.put("why", n.why());
        doc.put("since", DateTimeFormatter.ISO_INSTANT.format(n.since()));
        doc.put("at", DateTimeFormatter.ISO_INSTANT.format(n.at()));
        doc.put("link", n.link());
        doc.put("title", n.title());
        doc.put("text", n.text());
        return JSON.writeValueAsString(doc);
    }

    @Override
    public void send(Notice notice) throws IOException {
        String body = body(notice);
        Request.Builder request = new Request.Builder().url(url).post(RequestBody.create(body, TYPE));
        if (secret != null && !secret.isEmpty()) {
            request.header(SIGNATURE_HEADER, "sha256=" + HexFormat.of().formatHex(Signatures.hmacSha256(secret, body)));
        }
        try (Response response = client.newCall(request.build()).execute()) {
            if (cardwatch.monitor.hooks.HookRefused.refusal(response.code())) {
                throw new cardwatch.monitor.hooks.HookRefused("webhook", response.code());
            }
            if (!response.isSuccessful()) {
                throw new IOException("webhook answered HTTP " + response.code());
            }
        }
    }
}
