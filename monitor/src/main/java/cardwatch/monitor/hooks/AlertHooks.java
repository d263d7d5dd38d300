package cardwatch.monitor.hooks;

import cardwatch.monitor.hooks.dingtalk.DingTalkChannel;
import cardwatch.monitor.hooks.feishu.FeishuChannel;
import cardwatch.monitor.hooks.pagerduty.PagerDutyChannel;
import cardwatch.monitor.hooks.slack.SlackChannel;
import cardwatch.monitor.hooks.webhook.WebhookChannel;
import cardwatch.monitor.hooks.wecom.WeComChannel;
import cardwatch.monitor.system.CardwatchProperties;
import io.github.resilience4j.core.IntervalFunction;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Alert delivery: {@link #enqueue} writes a notice to the outbox for every enabled channel (called inside the
 * transaction that changes the incident); a thread of its own delivers due messages every second, retrying failures
 * with exponential backoff and jitter until they are delivered. A slow or dead channel never touches probe threads.
 * {@code cardwatch_hook_deliveries_total{channel,outcome}}: outcome delivered or failed (a failed try).
 */
@Component
public class AlertHooks implements MeterBinder, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(AlertHooks.class);

    private final HookOutbox outbox;
    private final Map<String, AlertChannel> channels = new LinkedHashMap<>();
    private final IntervalFunction backoff;
    private final java.time.Duration deadLetterAfter;
    private final Clock clock;
    private final String language;
    private final String linkBase;
    private final Duration groupWindow;
    private final Duration remindEvery;
    private final Map<String, CardwatchProperties.Route> routes;

    /** Every channel there is; routes may name only these. */
    static final List<String> CHANNELS = List.of("webhook", "dingtalk", "wecom", "feishu", "slack", "pagerduty");
    private final ScheduledExecutorService worker;
    private MeterRegistry registry;

    @Autowired
    public AlertHooks(HookOutbox outbox, CardwatchProperties properties, Clock clock,
            @Value("${server.port:8080}") int port) {
        this(outbox, properties, clock, port, channels(properties.hooks(), clock), true);
    }

    public AlertHooks(HookOutbox outbox, CardwatchProperties properties, Clock clock, int port,
            List<AlertChannel> channels, boolean start) {
        CardwatchProperties.Hooks hooks = properties.hooks();
        this.outbox = outbox;
        channels.forEach(c -> this.channels.put(c.name(), c));
        this.backoff = IntervalFunction.ofExponentialRandomBackoff(hooks.firstRetry(), 2.0, 0.5,
                hooks.maxRetryDelay());
        this.deadLetterAfter = hooks.deadLetterAfter();
        this.clock = clock;
        this.language = hooks.language();
        this.groupWindow = hooks.groupWindow();
        this.remindEvery = hooks.remindEvery();
        this.routes = hooks.routes() == null ? Map.of() : Map.copyOf(hooks.routes());
        for (String name : this.routes.keySet()) {
            if (!CHANNELS.contains(name)) {
                throw new IllegalStateException("cardwatch.hooks.routes." + name + ": unknown channel (known: "
                        + String.join(", ", CHANNELS) + ")");
            }
        }
        String base = !hooks.linkBase().isEmpty() ? hooks.linkBase()
                : !properties.callbackBaseUrl().isEmpty() ? properties.callbackBaseUrl() : "http://localhost:" + port;
        this.linkBase = base.replaceAll("/+$", "");
        this.worker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "alert-hooks");
            t.setDaemon(true);
            return t;
        });
        if (start && !this.channels.isEmpty()) {
            worker.scheduleWithFixedDelay(this::deliverQuietly, 1, 1, TimeUnit.SECONDS);
        }
        if (start) {
            worker.scheduleWithFixedDelay(this::purgeQuietly, 1, 6 * 60, TimeUnit.MINUTES);
        }
    }

    static List<AlertChannel> channels(CardwatchProperties.Hooks hooks, Clock clock) {
        OkHttpClient client = new OkHttpClient.Builder().callTimeout(hooks.timeout()).build();
        List<AlertChannel> enabled = new ArrayList<>();
        if (!hooks.webhookUrl().isEmpty()) {
            enabled.add(new WebhookChannel(hooks.webhookUrl(), hooks.webhookSecret(), client));
        }
        if (!hooks.dingtalkUrl().isEmpty()) {
            enabled.add(new DingTalkChannel(hooks.dingtalkUrl(), hooks.dingtalkSecret(), client, clock));
        }
        if (!hooks.wecomUrl().isEmpty()) {
            enabled.add(new WeComChannel(hooks.wecomUrl(), client));
        }
        if (!hooks.feishuUrl().isEmpty()) {
            enabled.add(new FeishuChannel(hooks.feishuUrl(), hooks.feishuSecret(), client, clock));
        }
        if (!hooks.slackUrl().isEmpty()) {
            enabled.add(new SlackChannel(hooks.slackUrl(), client));
        }
        if (!hooks.pagerdutyRoutingKey().isEmpty()) {
            enabled.add(new PagerDutyChannel(hooks.pagerdutyUrl(), hooks.pagerdutyRoutingKey(), client));
        }
        return enabled;
    }

    public Duration remindEvery() {
        return remindEvery;
    }

    public String language() {
        return language;
    }

    public List<String> channelNames() {
        return List.copyOf(channels.keySet());
    }

    /** Queues the notice of an incident change for every channel, without words on why it opened. */
    public void enqueue(long incidentId, String event, String platform, String name, String probe, String cause,
            Instant since, Instant at) {
        enqueue(incidentId, event, platform, name, probe, cause, since, at, "");
    }

    /** Queues the notice of an incident change for every channel; call it inside the incident's transaction. */
    public void enqueue(long incidentId, String event, String platform, String name, String probe, String cause,
            Instant since, Instant at, String why) {
        Notice notice = new Notice("cardwatch-incident-" + incidentId + "-" + event + "-" + at.toEpochMilli(),
                incidentId, event, platform, name, probe, cause, since, at,
                link(platform), language, "cardwatch-incident-" + incidentId,
                "availability".equals(probe) ? "warning" : "critical", null, why);
        enqueue(notice, at);
    }

    /** The public page a reader should open: the platform's own, or the incident list for the monitor itself. */
    private String link(String platform) {
        String lang = "en".equals(language) ? "en" : "zh";
        return platform.startsWith("_") ? linkBase + "/incidents?lang=" + lang
                : linkBase + "/platforms/" + platform + "?lang=" + lang;
    }

    /** Chat channels hold a notice for the grouping window, so a burst goes out as one message. */
    private void enqueue(Notice notice, Instant at) {
        for (AlertChannel channel : channels.values()) {
            CardwatchProperties.Route route = routes.get(channel.name());
            if (route != null && !route.accepts(notice.platform(), notice.severity())) {
                continue;
            }
            outbox.enqueue(channel.name(), notice, at, channel.groups() ? at.plus(groupWindow) : at);
        }
    }

    /** Queues a notice made elsewhere (the Alertmanager relay) for every channel; returns how many channels. */
    public int enqueue(Notice notice) {
        enqueue(notice, clock.instant());
        return channels.size();
    }

    public String linkBase() {
        return linkBase;
    }

    /** Delivered messages are kept this long (for looking back), then forgotten. */
    static final java.time.Duration KEEP_DELIVERED = java.time.Duration.ofDays(30);

    private void purgeQuietly() {
        try {
            int purged = outbox.purgeDelivered(clock.instant().minus(KEEP_DELIVERED));
            if (purged > 0) {
                log.info("forgot {} alert messages delivered over {} days ago", purged, KEEP_DELIVERED.toDays());
            }
        } catch (RuntimeException e) {
            log.warn("delivered alert messages not purged: {}", e.toString());
        }
    }

    private void deliverQuietly() {
        try {
            deliverDue();
        } catch (RuntimeException e) {
            log.warn("alert delivery round failed: {}", e.toString());
        }
    }

    /**
     * Delivers every due message once; a grouping channel with several due messages gets them as one. Returns how
     * many messages were delivered.
     */
    public synchronized int deliverDue() {
        Map<String, List<HookOutbox.Pending>> byChannel = new LinkedHashMap<>();
        for (HookOutbox.Pending p : outbox.due(clock.instant(), 100)) {
            byChannel.computeIfAbsent(p.channel(), c -> new ArrayList<>()).add(p);
        }
        int delivered = 0;
        for (Map.Entry<String, List<HookOutbox.Pending>> due : byChannel.entrySet()) {
            AlertChannel channel = channels.get(due.getKey());
            if (channel == null) {
                continue; // its channel was switched off: kept, delivered if it comes back
            }
            List<HookOutbox.Pending> pending = due.getValue();
            if (channel.groups() && pending.size() > 1) {
                delivered += deliver(channel, pending,
                        Notice.group(pending.stream().map(HookOutbox.Pending::notice).toList()));
            } else {
                for (HookOutbox.Pending p : pending) {
                    delivered += deliver(channel, List.of(p), p.notice());
                }
            }
        }
        return delivered;
    }

    private int deliver(AlertChannel channel, List<HookOutbox.Pending> rows, Notice notice) {
        try {
            channel.send(notice);
            rows.forEach(p -> outbox.delivered(p.id(), clock.instant()));
            count(channel.name(), "delivered");
            return rows.size();
        } catch (Exception e) {
            int attempts = rows.stream().mapToInt(HookOutbox.Pending::attempts).max().orElse(0) + 1;
            long wait = backoff.apply(Math.min(attempts, 30));
            Instant now = clock.instant();
            String error = e.getClass().getSimpleName() + ": " + e.getMessage();
            for (HookOutbox.Pending p : rows) {
                if (!(e instanceof HookRefused)) {
                    outbox.failed(p.id(), error, now.plusMillis(wait));
                } else if (outbox.refused(p.id(), error, now, now.plusMillis(wait), deadLetterAfter)) {
                    deadLetter(channel.name());
                    log.warn("alert {} to {} is a dead letter: refused ({}) for over {}; retry or drop it through "
                            + "the admin API", p.notice().key(), channel.name(), e.getMessage(), deadLetterAfter);
                }
            }
            count(channel.name(), "failed");
            log.warn("alert {} to {} not delivered (try {}): {}; next try in {} s", notice.key(), channel.name(),
                    attempts, e.getClass().getSimpleName(), wait / 1000);
            return 0;
        }
    }

    private void deadLetter(String channel) {
        if (registry != null) {
            Counter.builder("cardwatch.hook.dead.letters").tag("channel", channel)
                    .description("Alert messages given up on: their receiver refused them (HTTP 4xx other than 429) "
                            + "for longer than cardwatch.hooks.dead-letter-after").register(registry).increment();
        }
    }

    private void count(String channel, String outcome) {
        if (registry != null) {
            Counter.builder("cardwatch.hook.deliveries").tags("channel", channel, "outcome", outcome)
                    .description("Alert deliveries tried, per channel and outcome").register(registry).increment();
        }
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        this.registry = registry;
        for (String channel : channels.keySet()) {
            for (String outcome : List.of("delivered", "failed")) {
                Counter.builder("cardwatch.hook.deliveries").tags("channel", channel, "outcome", outcome)
                        .description("Alert deliveries tried, per channel and outcome").register(registry);
            }
            Counter.builder("cardwatch.hook.dead.letters").tag("channel", channel)
                    .description("Alert messages given up on: their receiver refused them (HTTP 4xx other than 429) "
                            + "for longer than cardwatch.hooks.dead-letter-after").register(registry);
        }
    }

    @Override
    public void destroy() {
        worker.shutdownNow();
    }
}
