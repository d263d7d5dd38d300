package cardwatch.monitor.hooks.wecom;

import cardwatch.monitor.hooks.AlertChannel;
import cardwatch.monitor.hooks.JsonPost;
import cardwatch.monitor.hooks.Notice;
import java.io.IOException;
import java.util.Map;
import okhttp3.OkHttpClient;

/** A WeCom (企业微信) group robot: a text message to its webhook URL (with its key); errcode other than 0 fails. */
public final class WeComChannel implements AlertChannel {

    /** errcode -1: system busy; 45009: over the frequency limit (20 messages a minute per robot). */
    static final java.util.Set<Integer> LATER = java.util.Set.of(-1, 45009);

    private final String url;
    private final OkHttpClient client;

    public WeComChannel(String url, OkHttpClient client) {
        this.url = url;
        this.client = client;
    }

    @Override
    public boolean groups() {
        return true;
    }

    @Override
    public String name() {
        return "wecom";
    }

    @Override
    public void send(Notice notice) throws IOException {
        JsonPost.send(client, url, Map.of("msgtype", "text", "text", Map.of("content", notice.text())), "WeCom",
                "errcode", LATER);
    }
}
