package cardwatch.monitor.hooks.slack;

import cardwatch.monitor.hooks.AlertChannel;
import cardwatch.monitor.hooks.JsonPost;
import cardwatch.monitor.hooks.Notice;
import java.io.IOException;
import java.util.Map;
import okhttp3.OkHttpClient;

/** A Slack incoming webhook: {@code {"text": ...}}; Slack answers 200 "ok", anything else is an HTTP error. */
public final class SlackChannel implements AlertChannel {

    private final String url;
    private final OkHttpClient client;

    public SlackChannel(String url, OkHttpClient client) {
        this.url = url;
        this.client = client;
    }

    @Override
    public boolean groups() {
        return true;
    }

    @Override
    public String name() {
        return "slack";
    }

    @Override
    public void send(Notice notice) throws IOException {
        JsonPost.send(client, url, Map.of("text", notice.text()), "Slack");
    }
}
