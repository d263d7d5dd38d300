package cardwatch.monitor.hooks.dingtalk;

import cardwatch.monitor.hooks.AlertChannel;
import cardwatch.monitor.hooks.JsonPost;
import cardwatch.monitor.hooks.Notice;
import cardwatch.monitor.hooks.Signatures;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;
import okhttp3.OkHttpClient;

/**
 * A DingTalk (钉钉) group robot: a text message to its webhook URL. With a sign secret, the URL carries
 * {@code timestamp} (ms) and {@code sign} = URL-encoded Base64 of HMAC-SHA256(secret, timestamp + "\n" + secret).
 * DingTalk answers HTTP 200 even when it refuses; {@code errcode} other than 0 is a failure.
 */
public final class DingTalkChannel implements AlertChannel {

    /** errcode -1: system busy; 130101: more than 20 messages a minute (held back 10 minutes); 90030: over quota. */
    static final java.util.Set<Integer> LATER = java.util.Set.of(-1, 130101, 90030);

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
    public boolean groups() {
        return true;
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
        JsonPost.send(client, target, Map.of("msgtype", "text", "text", Map.of("content", notice.text())), "DingTalk",
                "errcode", LATER);
    }
}
