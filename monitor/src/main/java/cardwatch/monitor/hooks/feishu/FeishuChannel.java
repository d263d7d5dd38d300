package cardwatch.monitor.hooks.feishu;

import cardwatch.monitor.hooks.AlertChannel;
import cardwatch.monitor.hooks.JsonPost;
import cardwatch.monitor.hooks.Notice;
import cardwatch.monitor.hooks.Signatures;
import java.io.IOException;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import okhttp3.OkHttpClient;

/**
 * A Feishu / Lark custom bot: a text message. With a sign secret the body carries {@code timestamp} (seconds) and
 * {@code sign} = Base64 of HMAC-SHA256 keyed with timestamp + "\n" + secret over an empty message. A non-zero
 * {@code code} in the answer fails.
 */
public final class FeishuChannel implements AlertChannel {

    /** code 11232: frequency limited (100 a minute, 5 a second per robot); 99991400: the platform's rate limit. */
    static final java.util.Set<Integer> LATER = java.util.Set.of(11232, 99991400);

    private final String url;
    private final String secret;
    private final OkHttpClient client;
    private final Clock clock;

    public FeishuChannel(String url, String secret, OkHttpClient client, Clock clock) {
        this.url = url;
        this.secret = secret;
        this.client = client;
        this.clock = clock;
    }

    @Override
    public boolean groups() {
        return true;
    }

    @Override
    public String name() {
        return "feishu";
    }

    public static String sign(long timestampSeconds, String secret) {
        return Base64.getEncoder().encodeToString(Signatures.hmacSha256(timestampSeconds + "\n" + secret, ""));
    }

    @Override
    public void send(Notice notice) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        if (secret != null && !secret.isEmpty()) {
            long timestamp = clock.millis() / 1000;
            body.put("timestamp", String.valueOf(timestamp));
            body.put("sign", sign(timestamp, secret));
        }
        body.put("msg_type", "text");
        body.put("content", Map.of("text", notice.text()));
        JsonPost.send(client, url, body, "Feishu", "code", LATER);
    }
}
