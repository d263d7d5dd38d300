package cardwatch.monitor.hooks.pagerduty;

import cardwatch.monitor.hooks.AlertChannel;
import cardwatch.monitor.hooks.JsonPost;
import cardwatch.monitor.hooks.Notice;
import java.io.IOException;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import okhttp3.OkHttpClient;

/**
 * PagerDuty Events API v2: {@code trigger} when an incident opens or reopens, {@code resolve} when it resolves, both
 * with {@code dedup_key} = the incident ({@code cardwatch-incident-<id>}), so PagerDuty sees one alert per incident.
 */
public final class PagerDutyChannel implements AlertChannel {

    private final String url;
    private final String routingKey;
    private final OkHttpClient client;

    public PagerDutyChannel(String url, String routingKey, OkHttpClient client) {
        this.url = url;
        this.routingKey = routingKey;
        this.client = client;
    }

    @Override
    public boolean pages() {
        return true;
    }

    @Override
    public String name() {
        return "pagerduty";
    }

    /** The event exactly as sent. */
    public Map<String, Object> event(Notice n) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("routing_key", routingKey);
        event.put("event_action", n.resolved() ? "resolve" : "trigger");
        event.put("dedup_key", n.thread());
        if (!n.resolved()) {
            Map<String, Object> payload = new LinkedHashMap<>();
            payload.put("summary", n.title() + " (" + n.causeLabel() + ")");
            payload.put("source", "cardwatch");
            payload.put("severity", "critical");
            payload.put("timestamp", DateTimeFormatter.ISO_INSTANT.format(n.since()));
            payload.put("component", n.platform());
            payload.put("group", n.probe());
            payload.put("class", n.cause());
            payload.put("custom_details", Map.of("text", n.text(), "incident_id", n.incidentId()));
            event.put("payload", payload);
            event.put("links", List.of(Map.of("href", n.link(), "text", "Cardwatch")));
        }
        return event;
    }

    @Override
    public void send(Notice notice) throws IOException {
        JsonPost.send(client, url, event(notice), "PagerDuty");
    }
}
