package cardwatch.monitor.hooks.dingtalk;

import cardwatch.monitor.hooks.AlertChannel;
import cardwatch.monitor.hooks.Notice;
import cardwatch.monitor.hooks.Signatures;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A DingTalk (钉钉) group robot: a text message to its webhook URL. With a sign secret, the URL carries
 * {@code timestamp} (ms) and {@code sign} = URL-encoded Base64 of HMAC-SHA256(secret, timestamp + "\n" + secret).
 * DingTalk answers HTTP 200 even when it refuses; {@code errcode} other than 0 is a failure.
 */
public final class DingTalkChannel implements AlertChannel {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final MediaType TYPE = MediaType.get("application/json; charset=utf-8");

    private final String url;
    private final String secret;
    private final OkHttpClient client;
    private final Clock clock;

    public DingTalkChannel(String url, String secret, OkHttpClient client, Clock clock) {
        this.url = url;
        this.secret = secret;
        this.client = client;
        this.clock = clock;
    }

    @Override
    public String name() {
        return "dingtalk";
    }

    /** The sign for a timestamp, URL-encoded as it goes into the URL. */
    public static String sign(long timestampMillis, String secret) {
        byte[] mac = Signatures.hmacSha256(secret, timestampMillis + "\n" + secret);
        return URLEncoder.encode(Base64.getEncoder().encodeToString(mac), StandardCharsets.UTF_8);
    }

    @Override
    public void send(Notice notice) throws IOException {
        String target = url;
        if (secret != null && !secret.isEmpty()) {
            long timestamp = clock.millis();
            target += (url.contains("?") ? "&" : "?") + "timestamp=" + timestamp + "&sign=" + sign(timestamp, secret);
        }
        HttpUrl parsed = HttpUrl.parse(target);
        if (parsed == null) {
            throw new IOException("the DingTalk URL is not an http(s) URL");
        }
        String body = JSON.writeValueAsString(Map.of("msgtype", "text", "text", Map.of("content", notice.text())));
        Request request = new Request.Builder().url(parsed).post(RequestBody.create(body, TYPE)).build();
        try (Response response = client.newCall(request).execute()) {
            String answer = response.body().string();
            if (!response.isSuccessful()) {
                throw new IOException("DingTalk answered HTTP " + response.code());
            }
            JsonNode errcode = JSON.readTree(answer.isBlank() ? "{}" : answer).path("errcode");
            if (!errcode.isMissingNode() && errcode.asInt() != 0) {
                throw new IOException("DingTalk refused the message: errcode " + errcode.asInt());
            }
        } catch (tools.jackson.core.JacksonException e) {
            throw new IOException("DingTalk's answer is not JSON", e);
        }
    }
}
