package cardwatch.monitor.hooks;

import cardwatch.monitor.hooks.dingtalk.DingTalkChannel;
import cardwatch.monitor.hooks.feishu.FeishuChannel;
import cardwatch.monitor.hooks.pagerduty.PagerDutyChannel;
import cardwatch.monitor.hooks.slack.SlackChannel;
import cardwatch.monitor.hooks.webhook.WebhookChannel;
import cardwatch.monitor.hooks.wecom.WeComChannel;
import cardwatch.monitor.system.CardwatchProperties;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import io.github.resilience4j.core.IntervalFunction;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * transaction that changes the incident); a thread of its own delivers each channel's queue every second, in order,
 * backing a channel off (exponentially, with jitter) while its receiver does not answer. A slow or dead channel never
 * touches probe threads.
 * {@code cardwatch_hook_deliveries_total{channel,outcome}}: outcome delivered or failed (a failed try).
 */
@Component
public class AlertHooks implements MeterBinder, DisposableBean {

    private static final String DEAD_LETTERS = "Alert messages given up on: their receiver refused them (HTTP 4xx "
            + "other than 429, a robot's code of refusal) for longer than cardwatch.hooks.dead-letter-after";
    private static final Logger log = LoggerFactory.getLogger(AlertHooks.class);

    private final HookOutbox outbox;
    private final Map<String, AlertChannel> channels = new LinkedHashMap<>();
    private final IntervalFunction backoff;
    private final java.time.Duration deadLetterAfter;
    private final Clock clock;
    private final LoadingCache<Boolean, Map<String, HookOutbox.Backlog>> backlogs;
    private final String language;
    private final String linkBase;
    private final Duration groupWindow;
    private final Duration remindEvery;
    /** The delivery lease: {@link #LEASE}, or three send timeouts when longer. */
    private final Duration lease;
    private final Map<String, CardwatchProperties.Route> routes;

    /** Every channel there is; routes may name only these. */
    static final List<String> CHANNELS = List.of("webhook", "dingtalk", "wecom", "feishu", "slack", "pagerduty");
    private final ScheduledExecutorService worker;
    /** This instance, as the holder of a channel's delivery lease. */
    private final String owner = java.util.UUID.randomUUID().toString();
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
        this.backlogs = Caffeine.newBuilder().expireAfterWrite(Duration.ofSeconds(5)).build(k -> outbox.backlog());
        this.language = hooks.language();
        this.groupWindow = hooks.groupWindow();
        this.remindEvery = hooks.remindEvery();
        Duration sends = hooks.timeout().multipliedBy(3);
        this.lease = sends.compareTo(LEASE) > 0 ? sends : LEASE;
        this.routes = hooks.routes() == null ? Map.of() : Map.copyOf(hooks.routes());
        for (String name : this.routes.keySet()) {
            if (!CHANNELS.contains(name)) {
                throw new IllegalStateException("cardwatch.hooks.routes." + name + ": unknown channel (known: "
                        + String.join(", ", CHANNELS) + ")");
            }
        }
        if (!hooks.pagerdutyRoutingKey().isEmpty() && !hooks.relayToken().isEmpty()) {
            throw new IllegalStateException("cardwatch.hooks.pagerduty-routing-key and cardwatch.hooks.relay-token are "
                    + "both set: with Alertmanager relaying (relay-token) it is Alertmanager that pages, and "
                    + "Cardwatch's PagerDuty hook would page every incident a second time under another key. Unset "
                    + "one of them (README, Operating Cardwatch: one paging path)");
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

    /** Queues the notice of an incident change of a platform not marked critical (or of the monitor itself). */
    public void enqueue(long incidentId, String event, String platform, String name, String probe, String cause,
            Instant since, Instant at, String why) {
        enqueue(incidentId, event, platform, name, probe, cause, since, at, why, false);
    }

    /**
     * Queues the notice of an incident change for every channel; call it inside the incident's transaction. It is
     * {@code critical} for the monitor's own incidents ({@code _monitor}) and for a platform opted in as critical
     * ({@code critical}), {@code warning} for the others.
     */
    public void enqueue(long incidentId, String event, String platform, String name, String probe, String cause,
            Instant since, Instant at, String why, boolean critical) {
        String severity = critical || platform.startsWith("_") ? "critical" : "warning";
        Notice notice = new Notice("cardwatch-incident-" + incidentId + "-" + event + "-" + at.toEpochMilli(),
                incidentId, event, platform, name, probe, cause, since, at,
                link(platform), language, "cardwatch-incident-" + incidentId, severity, null, why);
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
            if (route != null ? !route.accepts(notice.platform(), notice.severity())
                    : channel.pages() && !"critical".equals(notice.severity())) {
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

    /** Messages a channel is sent in one round at most; the rest go in the next, a second later. */
    static final int ROUND = 200;
    /**
     * How long a channel's delivery lease holds at the least. The holder renews it before each message it sends, so
     * an instance that dies mid-round holds its channels this long at most ({@link #lease}: three send timeouts, when
     * that is longer), and a round as long as it likes is never taken over while it sends.
     */
    static final Duration LEASE = Duration.ofMinutes(1);

    /**
     * One delivery round: each channel's queue in the order its messages were written. A message goes when its time
     * has come and no earlier message of its incident is still queued for that channel, so a later event never
     * overtakes an earlier one. A grouping channel gets all that may go as one message. A channel that does not
     * answer is tried again at its own backoff, with the first of its queue; once it answers, the rest follow in the
     * same round. Returns how many messages were delivered.
     */
    public synchronized int deliverDue() {
        int delivered = 0;
        for (AlertChannel channel : channels.values()) { // a channel switched off keeps its queue for when it is back
            Instant now = clock.instant();
            HookOutbox.ChannelState state = outbox.channel(channel.name());
            if (state.nextAttemptAt() != null && state.nextAttemptAt().isAfter(now)) {
                continue;
            }
            if (!outbox.lease(channel.name(), owner, now, now.plus(lease))) {
                continue; // another instance is delivering it
            }
            try {
                delivered += deliverQueue(channel, state.failures(), now);
            } finally {
                outbox.release(channel.name(), owner);
            }
        }
        return delivered;
    }

    /** Renews this instance's lease on the channel for one more send; false when it is no longer this instance's. */
    private boolean renewed(AlertChannel channel) {
        return outbox.renew(channel.name(), owner, clock.instant().plus(lease));
    }

    private int deliverQueue(AlertChannel channel, int failures, Instant now) {
        Set<String> held = new HashSet<>(); // incidents with an earlier message that may not go yet
        List<HookOutbox.Queued> ready = new ArrayList<>();
        for (HookOutbox.Queued q : outbox.queued(channel.name(), ROUND)) {
            String thread = q.notice().thread();
            if (held.contains(thread)) {
                continue;
            }
            if (q.notBefore().isAfter(now)) {
                held.add(thread);
            } else {
                ready.add(q);
            }
        }
        if (ready.isEmpty()) {
            return 0;
        }
        if (channel.groups()) { // one send, under the lease the round began with
            List<Notice> told = Notice.collapse(ready.stream().map(HookOutbox.Queued::notice).toList());
            Outcome outcome = deliver(channel, ready, told.size() == 1 ? told.get(0) : Notice.group(told), failures);
            return outcome == Outcome.DELIVERED ? ready.size() : 0;
        }
        int delivered = 0;
        for (HookOutbox.Queued q : ready) {
            if (held.contains(q.notice().thread())) {
                continue;
            }
            if (!renewed(channel)) {
                break; // held past its lease (a stalled process): another instance has the queue now
            }
            Outcome outcome = deliver(channel, List.of(q), q.notice(), failures);
            if (outcome == Outcome.DELIVERED) {
                delivered++;
            } else if (outcome == Outcome.REFUSED) {
                held.add(q.notice().thread()); // its incident's later messages wait for it
            } else {
                break; // the receiver does not answer: the rest wait for the channel's next try
            }
        }
        return delivered;
    }

    private enum Outcome { DELIVERED, REFUSED, FAILED }

    private Outcome deliver(AlertChannel channel, List<HookOutbox.Queued> rows, Notice notice, int failures) {
        try {
            channel.send(notice);
            rows.forEach(q -> outbox.delivered(q.id(), clock.instant()));
            outbox.channelAnswered(channel.name());
            count(channel.name(), "delivered");
            return Outcome.DELIVERED;
        } catch (Exception e) {
            Instant now = clock.instant();
            String error = e.getClass().getSimpleName() + ": " + e.getMessage();
            count(channel.name(), "failed");
            if (e instanceof HookRefused) { // the receiver answers: only these messages back off
                outbox.channelAnswered(channel.name());
                int attempts = rows.stream().mapToInt(HookOutbox.Queued::attempts).max().orElse(0) + 1;
                long wait = backoff.apply(Math.min(attempts, 30));
                for (HookOutbox.Queued q : rows) {
                    if (outbox.refused(q.id(), error, now, now.plusMillis(wait), deadLetterAfter)) {
                        deadLetter(channel.name());
                        log.warn("alert {} to {} is a dead letter: refused ({}) for over {}; retry or drop it "
                                + "through the admin API", q.notice().key(), channel.name(), e.getMessage(),
                                deadLetterAfter);
                    }
                }
                log.warn("alert {} refused by {} (try {}): {}; its incident's later messages wait for it, next try "
                        + "in {} s", notice.key(), channel.name(), attempts, e.getMessage(), wait / 1000);
                return Outcome.REFUSED;
            }
            rows.forEach(q -> outbox.failed(q.id(), error));
            long wait = backoff.apply(Math.min(failures + 1, 30));
            int streak = outbox.channelFailed(channel.name(), error, now.plusMillis(wait));
            log.warn("alert {} to {} not delivered ({} failed tries in a row): {}; the channel's queue waits, next "
                    + "try in {} s", notice.key(), channel.name(), streak, e.getClass().getSimpleName(), wait / 1000);
            return Outcome.FAILED;
        }
    }

    private void deadLetter(String channel) {
        if (registry != null) {
            Counter.builder("cardwatch.hook.dead.letters").tag("channel", channel)
                    .description(DEAD_LETTERS).register(registry).increment();
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
                    .description(DEAD_LETTERS).register(registry);
            Gauge.builder("cardwatch.hook.queued", () -> backlog(channel).queued()).baseUnit("messages")
                    .description("Alert messages waiting for their channel: not delivered yet and still tried")
                    .tag("channel", channel).register(registry);
            Gauge.builder("cardwatch.hook.oldest.queued", () -> {
                HookOutbox.Backlog b = backlog(channel);
                return b.oldest() == null ? 0 : Math.max(0, Duration.between(b.oldest(), clock.instant())
                        .toSeconds());
            }).baseUnit("seconds").description("How long the oldest message waiting for the channel has waited "
                    + "since it was queued; 0 when none waits").tag("channel", channel).register(registry);
        }
    }

    /** A channel's backlog as the outbox held it at most 5 s ago: one grouped query for every channel's gauges. */
    private HookOutbox.Backlog backlog(String channel) {
        return backlogs.get(Boolean.TRUE).getOrDefault(channel, HookOutbox.Backlog.NONE);
    }

    @Override
    public void destroy() {
        worker.shutdownNow();
    }
}
