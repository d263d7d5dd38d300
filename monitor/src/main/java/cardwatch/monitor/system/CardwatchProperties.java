package cardwatch.monitor.system;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * The service's own settings ({@code cardwatch.*}). Platforms live in their own file, see
 * {@link #platformsFile()}.
 *
 * @param platformsFile    the platforms YAML; empty runs the demo with simulated platforms
 * @param secretsFile      a properties file of secrets that platform entries reference as {@code file:KEY}
 * @param callbackBaseUrl  the URL platforms reach this service at for notifies; empty: http://localhost:PORT
 * @param purchase         money limits
 * @param schedule         scheduling limits
 * @param http             limits on every probe request
 * @param probePool        the pool probe work runs on
 * @param demo             the demo's schedule
 * @param budget           daily spending caps
 * @param refunds          how refunds are watched
 * @param reconcile        how interrupted runs are finished
 * @param testing          fault injection for crash tests; never set in production
 * @param api              the tokens that open the private API
 * @param cluster          this instance's name and the lease on the purchases it runs
 * @param reports          the limits on buyers' reports
 * @param retention        how long run data is kept
 * @param backupDir        where the admin API's backups of the embedded (H2) database are written
 */
@Validated
@ConfigurationProperties(prefix = "cardwatch", ignoreUnknownFields = false)
public record CardwatchProperties(
        @DefaultValue("") String platformsFile,
        @DefaultValue("") String secretsFile,
        @DefaultValue("") String callbackBaseUrl,
        @Valid @DefaultValue Purchase purchase,
        @Valid @DefaultValue Schedule schedule,
        @Valid @DefaultValue Http http,
        @Valid @DefaultValue ProbePool probePool,
        @Valid @DefaultValue Demo demo,
        @Valid @DefaultValue Budget budget,
        @Valid @DefaultValue Refunds refunds,
        @Valid @DefaultValue Reconcile reconcile,
        @Valid @DefaultValue Testing testing,
        @Valid @DefaultValue Icp icp,
        @Valid @DefaultValue Reviews reviews,
        @Valid @DefaultValue Score score,
        @Valid @DefaultValue SelfCheck selfCheck,
        @Valid @DefaultValue Hooks hooks,
        @Valid @DefaultValue Incidents incidents,
        @Valid @DefaultValue Site site,
        @DefaultValue cardwatch.monitor.access.ApiProperties api,
        @Valid @DefaultValue Cluster cluster,
        @Valid @DefaultValue Reports reports,
        @Valid @DefaultValue Retention retention,
        @DefaultValue("data/backups") String backupDir) {

    /**
     * How long run data is kept. Raw runs ({@code probe_run}) go once older than {@code rawRuns}, after their hours
     * have been rolled up into {@code run_hourly}; hourly roll-ups go once older than {@code hourly}. Storefront
     * checks (a check a minute) have their own, shorter windows: {@code rawChecks} and {@code hourlyChecks}; what is
     * older than their raw window is read from their hours (the Now page's timeline, the days a start rebuilds). The
     * daily roll-ups ({@code run_daily}), the ledger, incidents and complaints are never pruned. The work runs every
     * {@code every}, deleting at most {@code batch} rows a statement, on a thread of its own.
     */
    public record Retention(@NotNull @DefaultValue("35d") Duration rawRuns,
            @NotNull @DefaultValue("400d") Duration hourly,
            @NotNull @DefaultValue("6h") Duration rawChecks,
            @NotNull @DefaultValue("35d") Duration hourlyChecks,
            @NotNull @DefaultValue("10m") Duration every,
            @Min(100) @DefaultValue("5000") int batch) {

        public Retention {
            if (rawRuns != null && rawRuns.compareTo(Duration.ofDays(2)) < 0) {
                throw new IllegalArgumentException("cardwatch.retention.raw-runs must be at least 2 days (the pages "
                        + "count yesterday and today from raw runs), was " + rawRuns);
            }
            if (rawRuns != null && hourly != null && hourly.compareTo(rawRuns) < 0) {
                throw new IllegalArgumentException("cardwatch.retention.hourly (" + hourly + ") must be at least "
                        + "cardwatch.retention.raw-runs (" + rawRuns + ")");
            }
            if (rawChecks != null && rawChecks.compareTo(Duration.ofHours(1)) < 0) {
                throw new IllegalArgumentException("cardwatch.retention.raw-checks must be at least 1 hour (the "
                        + "hour being checked is counted from raw checks), was " + rawChecks);
            }
            if (rawChecks != null && rawRuns != null && rawChecks.compareTo(rawRuns) > 0) {
                throw new IllegalArgumentException("cardwatch.retention.raw-checks (" + rawChecks + ") must be at "
                        + "most cardwatch.retention.raw-runs (" + rawRuns + ")");
            }
            if (rawChecks != null && hourlyChecks != null && hourlyChecks.compareTo(rawChecks) < 0) {
                throw new IllegalArgumentException("cardwatch.retention.hourly-checks (" + hourlyChecks + ") must be "
                        + "at least cardwatch.retention.raw-checks (" + rawChecks + ")");
            }
        }
    }

    /**
     * Buyers' reports through the public form: how many one address, and one /24 (IPv4) or /48 (IPv6) network, may
     * send in ten minutes; and whether a surge of them is sent to the alert hooks (off by default: reports are
     * unchecked, and a crowd can be made).
     */
    public record Reports(@Min(1) @DefaultValue("3") int perAddress, @Min(1) @DefaultValue("10") int perNetwork,
            @DefaultValue("false") boolean spikeAlerts) {
    }

    /**
     * Instances sharing one database.
     *
     * @param node  this instance's name in the runs it owns; empty: the host name and the process id
     * @param lease how long a purchase stays this instance's without a renewal; it is renewed every third of it, and
     *              another instance takes the run over once it has run out
     */
    public record Cluster(@DefaultValue("") String node, @NotNull @DefaultValue("30s") Duration lease) {

        /** The node name, chosen when none is set. */
        public String nodeName() {
            if (!node.isBlank()) {
                return node;
            }
            String host;
            try {
                host = java.net.InetAddress.getLocalHost().getHostName();
            } catch (java.net.UnknownHostException e) {
                host = "localhost";
            }
            return host + "-" + ProcessHandle.current().pid();
        }
    }

    /**
     * The public pages.
     *
     * @param refresh   how often their figures are recomputed from the runs (in the background)
     * @param pageSize  platforms per page of the ranking
     * @param writeEvery how often yesterday's and today's figures are written to {@code run_daily} (the pages read them
     *                  from memory; the score's week of storefront checks reads the table)
     * @param watchRequests where readers ask for a platform to be watched, linked when a search finds no platform by
     *                  its domain: an https:// or mailto: address; empty: they are asked to tell the site's operator
     */
    public record Site(@NotNull @DefaultValue("30s") Duration refresh,
            @Min(10) @jakarta.validation.constraints.Max(1000) @DefaultValue("50") int pageSize,
            @NotNull @DefaultValue("5m") Duration writeEvery,
            @NotNull @jakarta.validation.constraints.Pattern(regexp = "|https?://\\S+|mailto:\\S+",
                    message = "must be an http(s):// or mailto: address, or empty") @DefaultValue("")
            String watchRequests) {
    }

    /**
     * When an incident opens and resolves, per platform and probe, against the platform's own usual failure rate
     * (see {@code IncidentTracker}). Maintenance and {@code error} runs count for nothing.
     *
     * @param purchaseOpenAfter          failed purchases in a row that always open an incident
     * @param availabilityOpenAfter      failed storefront checks in a row (each already tried twice) that always do
     * @param purchaseUsualFailures      the failure rate assumed of a new platform's purchases until its record speaks
     * @param availabilityUsualFailures  the same per storefront request
     * @param purchaseOpenEvidence       the rate rule's threshold for purchases, in nats, at 20-minute purchases
     * @param availabilityOpenEvidence   the same for storefront checks at 60-second checks
     * @param resolveEvidence            the recovery threshold in nats beyond ln(runs per day)
     * @param continueWithin             runs after resolving in which a new opening continues the same incident
     */
    public record Incidents(@Min(1) @DefaultValue("4") int purchaseOpenAfter,
            @Min(1) @DefaultValue("3") int availabilityOpenAfter,
            @DecimalMin(value = "0", inclusive = false) @jakarta.validation.constraints.DecimalMax("0.25")
            @DefaultValue("0.03") double purchaseUsualFailures,
            @DecimalMin(value = "0", inclusive = false) @jakarta.validation.constraints.DecimalMax("0.25")
            @DefaultValue("0.01") double availabilityUsualFailures,
            @DecimalMin("1") @DefaultValue("11.2") double purchaseOpenEvidence,
            @DecimalMin("1") @DefaultValue("19") double availabilityOpenEvidence,
            @DecimalMin("0") @DefaultValue("5.3") double resolveEvidence,
            @Min(0) @DefaultValue("6") int continueWithin) {
    }

    /**
     * Which messages a channel gets: an empty list means any.
     *
     * @param platforms  platform ids ({@code _monitor} for "monitor degraded")
     * @param severities critical (purchases, the self-check), warning (availability), or relayed alerts' severity
     */
    public record Route(@DefaultValue List<String> platforms, @DefaultValue List<String> severities) {

        public boolean accepts(String platform, String severity) {
            return (platforms == null || platforms.isEmpty() || platforms.contains(platform))
                    && (severities == null || severities.isEmpty() || severities.contains(severity));
        }
    }

    /**
     * Alert hooks. A channel is enabled when its URL is set; secrets are read from here (the environment or the
     * command line) and never logged.
     *
     * @param language        zh (default) or en
     * @param linkBase        the public URL of this service, for the links in messages; empty: the callback base URL,
     *                        else http://localhost:PORT
     * @param webhookUrl      a generic webhook receiving cardwatch.alert.v1 JSON
     * @param webhookSecret   its HMAC-SHA256 signing secret
     * @param dingtalkUrl     a DingTalk robot's webhook URL (with its access_token)
     * @param dingtalkSecret  the robot's sign secret (SEC...)
     * @param wecomUrl        a WeCom robot's webhook URL (with its key)
     * @param feishuUrl       a Feishu / Lark custom bot's webhook URL
     * @param feishuSecret    its sign secret
     * @param slackUrl        a Slack incoming webhook URL
     * @param pagerdutyRoutingKey a PagerDuty Events API v2 integration key
     * @param pagerdutyUrl    the Events API v2 endpoint
     * @param relayToken      the bearer token {@code POST /hooks/alertmanager} requires; empty: the relay is off
     * @param routes          per channel, which platforms and severities it gets; a channel without a route gets all
     * @param groupWindow     chat robots hold a message this long so a burst goes out as one message
     * @param remindEvery     while an incident is open, a reminder this often; 0 for none
     * @param firstRetry      the first retry's delay; each next one doubles, with jitter
     * @param maxRetryDelay   the longest delay between tries; a message is retried until it is delivered, unless
     *                        its receiver keeps refusing it (see deadLetterAfter)
     * @param timeout         one delivery's time limit
     * @param heartbeatTimeout once Alertmanager's heartbeat has been heard, silence this long sends "alerting
     *                        pipeline silent" through the channels
     * @param deadLetterAfter a message its receiver has refused (HTTP 4xx other than 429, a robot's code of refusal)
     *                        for this long is no longer tried: it is a dead letter, counted, alerted on and listed by
     *                        the admin API
     */
    public record Hooks(@NotNull @DefaultValue("zh") @jakarta.validation.constraints.Pattern(regexp = "zh|en")
            String language,
            @NotNull @DefaultValue("") String linkBase,
            @NotNull @DefaultValue("") String webhookUrl,
            @NotNull @DefaultValue("") String webhookSecret,
            @NotNull @DefaultValue("") String dingtalkUrl,
            @NotNull @DefaultValue("") String dingtalkSecret,
            @NotNull @DefaultValue("") String wecomUrl,
            @NotNull @DefaultValue("") String feishuUrl,
            @NotNull @DefaultValue("") String feishuSecret,
            @NotNull @DefaultValue("") String slackUrl,
            @NotNull @DefaultValue("") String relayToken,
            @NotNull @DefaultValue("") String pagerdutyRoutingKey,
            @NotNull @DefaultValue("https://events.pagerduty.com/v2/enqueue") String pagerdutyUrl,
            @DefaultValue Map<String, Route> routes,
            @NotNull @DefaultValue("30s") Duration groupWindow,
            @NotNull @DefaultValue("1h") Duration remindEvery,
            @NotNull @DefaultValue("5s") Duration firstRetry,
            @NotNull @DefaultValue("30m") Duration maxRetryDelay,
            @NotNull @DefaultValue("10s") Duration timeout,
            @NotNull @DefaultValue("5m") Duration heartbeatTimeout,
            @NotNull @DefaultValue("24h") Duration deadLetterAfter) {

        @Override
        public String toString() {
            return "Hooks[language=" + language + ", webhook=" + !webhookUrl.isEmpty() + ", dingtalk="
                    + !dingtalkUrl.isEmpty() + ", wecom=" + !wecomUrl.isEmpty() + ", feishu=" + !feishuUrl.isEmpty()
                    + ", slack=" + !slackUrl.isEmpty() + ", pagerduty=" + !pagerdutyRoutingKey.isEmpty()
                    + ", relay=" + !relayToken.isEmpty() + "]";
        }
    }

    /**
     * Cardwatch's own connectivity, checked against reference endpoints. While none of them answers, platform
     * failures open no platform incident: one "monitor degraded" incident opens instead.
     *
     * @param references URLs that answer when our network is fine (any status counts); none: no self-check
     * @param every      how often they are checked
     * @param timeout    how long one check may take
     */
    public record SelfCheck(@DefaultValue java.util.List<String> references,
            @NotNull @DefaultValue("30s") Duration every,
            @NotNull @DefaultValue("5s") Duration timeout) {
    }

    /**
     * The trust score's weights and targets. A weight of 0 leaves its component out of the total (it is still
     * shown).
     *
     * @param halfLife           a purchase this old weighs half as much as one now
     * @param minEvidence        effective purchases needed for a grade; fewer give grade "?" (证据不足)
     * @param deliveryMedian     the median delivery time that still scores 100
     * @param deliveryP95        the 95th percentile delivery time that still scores 100
     * @param complaintsPerMonth the severity-weighted complaint rate per 30 days that halves the complaints component
     * @param refundMedian       the median refund time that still scores full marks for refund speed
     * @param complaintsPrior    the prior complaint rate per 30 days, assumed of a platform with little record
     * @param complaintsPriorWorth how many days of watching the prior counts as
     * @param every              how often every platform's score is recomputed and the day's history row written
     * @param settle             how soon after a run that moves it a platform's score is recomputed (read by the
     *                           scheduler; bound here so that setting it is not refused as unknown)
     * @param callbacks          weight of the callbacks component (the share of purchases whose notify came)
     * @param moneyLossWeight    how many failures a failure that cost the buyer money counts as
     * @param gradeAReliability  the least purchase reliability (Wilson lower bound) an A needs; B, C, D likewise
     */
    public record Score(@DecimalMin("0") @DefaultValue("0.35") double reliability,
            @DecimalMin("0") @DefaultValue("0.15") double delivery,
            @DecimalMin("0") @DefaultValue("0.15") double refunds,
            @DecimalMin("0") @DefaultValue("0.15") double compliance,
            @DecimalMin("0") @DefaultValue("0.10") double complaints,
            @DecimalMin("0") @DefaultValue("0.10") double availability,
            @NotNull @DefaultValue("7d") Duration halfLife,
            @DecimalMin("1") @DefaultValue("10") double minEvidence,
            @NotNull @DefaultValue("60s") Duration deliveryMedian,
            @NotNull @DefaultValue("5m") Duration deliveryP95,
            @DecimalMin("0.1") @DefaultValue("3") double complaintsPerMonth,
            @NotNull @DefaultValue("1h") Duration refundMedian,
            @DecimalMin("0") @DefaultValue("1") double complaintsPrior,
            @NotNull @DefaultValue("30d") Duration complaintsPriorWorth,
            @NotNull @DefaultValue("5m") Duration every,
            @NotNull @DefaultValue("30s") Duration settle,
            @DecimalMin("0") @DefaultValue("0.10") double callbacks,
            @DecimalMin("1") @DefaultValue("3") double moneyLossWeight,
            @DecimalMin("0") @jakarta.validation.constraints.DecimalMax("1") @DefaultValue("0.95") double gradeAReliability,
            @DecimalMin("0") @jakarta.validation.constraints.DecimalMax("1") @DefaultValue("0.90") double gradeBReliability,
            @DecimalMin("0") @jakarta.validation.constraints.DecimalMax("1") @DefaultValue("0.80") double gradeCReliability,
            @DecimalMin("0") @jakarta.validation.constraints.DecimalMax("1") @DefaultValue("0.70") double gradeDReliability) {
    }

    /** @param maxPrice the per-purchase cap in yuan: no platform's price cap may exceed it */
    public record Purchase(@NotNull @DecimalMin("0.01") @DefaultValue("10.00") BigDecimal maxPrice) {
    }

    /**
     * @param minInterval the floor under every platform's purchase interval
     * @param timeZone    the zone cron expressions are read in
     */
    public record Schedule(@NotNull @DefaultValue("5m") Duration minInterval,
            @NotNull @DefaultValue("Asia/Shanghai") String timeZone) {
    }

    public record Http(@NotNull @DefaultValue("5s") Duration connectTimeout,
            @NotNull @DefaultValue("10s") Duration readTimeout,
            @NotNull @DefaultValue("30s") Duration callTimeout,
            @NotNull @DefaultValue("256KB") DataSize maxBodySize,
            @Min(0) @DefaultValue("3") int maxRedirects,
            @NotNull @DefaultValue("") String trustStore,
            @NotNull @DefaultValue("") String trustStorePassword) {
    }

    /**
     * Each probe kind has its own pool; each target host its own limit within it.
     *
     * @param threads      a kind's threads, unless {@code kind-threads} names the kind
     * @param queue        a kind's tasks waiting for a thread before new ones are turned away
     * @param perHost      a kind's tasks at once against one host; more wait in the host's line, holding no thread
     * @param kindThreads  threads per probe kind, where it differs from {@code threads}
     */
    public record ProbePool(@Min(1) @DefaultValue("8") int threads, @Min(1) @DefaultValue("1000") int queue,
            @Min(1) @DefaultValue("4") int perHost, Map<String, Integer> kindThreads) {

        public ProbePool {
            kindThreads = kindThreads == null ? Map.of() : Map.copyOf(kindThreads);
        }
    }

    /**
     * @param every        how often each simulated platform is probed
     * @param jitter       random delay added to each run
     * @param minInterval  the floor for the demo (its money is not real)
     * @param notifyDeadline  the demo platforms' notify deadline
     * @param confirmDeadline the demo platforms' confirm deadline
     * @param dailyBudget  the demo's daily budget, per platform and global: its money is simulated
     */
    public record Demo(@NotNull @DefaultValue("15s") Duration every, @NotNull @DefaultValue("5s") Duration jitter,
            @NotNull @DefaultValue("5s") Duration minInterval, @NotNull @DefaultValue("6s") Duration notifyDeadline,
            @NotNull @DefaultValue("10s") Duration confirmDeadline,
            @NotNull @DefaultValue("100000.00") BigDecimal dailyBudget) {
    }

    /**
     * @param dailyGlobal       yuan all platforms together may spend per day
     * @param dailyPerPlatform  yuan one platform may spend per day, unless its entry says otherwise
     */
    /** The global daily cap in force: the demo's own when no platforms file is given. */
    public BigDecimal globalDailyBudget() {
        return platformsFile.isBlank() ? demo.dailyBudget() : budget.dailyGlobal();
    }

    public record Budget(@NotNull @DecimalMin("0.00") @DefaultValue("50.00") BigDecimal dailyGlobal,
            @NotNull @DecimalMin("0.00") @DefaultValue("10.00") BigDecimal dailyPerPlatform) {
    }

    /**
     * @param deadline    a failed paid order not refunded within this is not_refunded
     * @param checkEvery  how often pending refunds are looked for in the platforms' balances
     */
    public record Refunds(@NotNull @DefaultValue("24h") Duration deadline,
            @NotNull @DefaultValue("1m") Duration checkEvery) {
    }

    /**
     * @param every        how often unfinished runs are looked for
     * @param giveUpAfter  an interrupted run the platform cannot be asked about for this long ends as an error
     */
    public record Reconcile(@NotNull @DefaultValue("1m") Duration every,
            @NotNull @DefaultValue("7d") Duration giveUpAfter) {
    }

    /**
     * How complaint sources are crawled.
     *
     * @param perHost     the least time between two requests to one host
     * @param retries     tries after a 429 or 503
     * @param maxBackoff  the longest wait before such a retry
     */
    public record Reviews(@NotNull @DefaultValue("2s") Duration perHost, @Min(0) @DefaultValue("3") int retries,
            @NotNull @DefaultValue("60s") Duration maxBackoff) {
    }

    /**
     * Where ICP filings are looked up.
     *
     * @param provider   miit (the MIIT query flow; its captcha needs a solver) or json (a commercial ICP API)
     * @param miitUrl    the MIIT query API's base URL
     * @param jsonUrl    the JSON provider's URL template, {domain} filled in
     * @param jsonFields JSON pointers per field for the JSON provider (recorded, unit-name, …)
     * @param cache      how long answers are kept
     * @param perMinute  lookups per minute at the most
     */
    public record Icp(@NotNull @DefaultValue("miit") String provider,
            @NotNull @DefaultValue("https://hlwicpfwc.miit.gov.cn/icpproject_query/api/") String miitUrl,
            @NotNull @DefaultValue("") String jsonUrl,
            @DefaultValue java.util.Map<String, String> jsonFields,
            @NotNull @DefaultValue("7d") Duration cache,
            @Min(1) @DefaultValue("10") int perMinute) {
    }

    /**
     * @param pauseAt  a crash point (after-submit, during-confirm, before-final-row) where a purchase run stops
     *                 and waits to be killed; empty in production
     */
    public record Testing(@NotNull @DefaultValue("") String pauseAt) {
    }
}
