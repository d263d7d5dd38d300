package cardwatch.monitor.platform;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * One platform as written in {@code platforms.yml}, before validation. Keys are kebab-case; unknown keys are
 * rejected while parsing.
 */
public record PlatformEntry(String id, Names names, String baseUrl, String protocol, String merchantId,
        Map<String, String> credentials, Product product, String account, Map<String, ScheduleEntry> schedule,
        Deadlines deadlines, Budget budget, Payer payer, Map<String, Object> generic, Availability availability,
        Icp icp, Reviews reviews, List<Maintenance> maintenance, String version, Boolean critical) {

    public PlatformEntry(String id, Names names, String baseUrl, String protocol, String merchantId,
            Map<String, String> credentials, Product product, String account, Map<String, ScheduleEntry> schedule,
            Deadlines deadlines) {
        this(id, names, baseUrl, protocol, merchantId, credentials, product, account, schedule, deadlines, null, null,
                null, null, null, null, null, null, null);
    }

    public PlatformEntry(String id, Names names, String baseUrl, String protocol, String merchantId,
            Map<String, String> credentials, Product product, String account, Map<String, ScheduleEntry> schedule,
            Deadlines deadlines, Budget budget, Payer payer, Map<String, Object> generic, Availability availability,
            Icp icp, Reviews reviews, List<Maintenance> maintenance) {
        this(id, names, baseUrl, protocol, merchantId, credentials, product, account, schedule, deadlines, budget,
                payer, generic, availability, icp, reviews, maintenance, null, null);
    }

    /** The same entry declaring the release its software runs ({@code version}). */
    public PlatformEntry withVersion(String release) {
        return new PlatformEntry(id, names, baseUrl, protocol, merchantId, credentials, product, account, schedule,
                deadlines, budget, payer, generic, availability, icp, reviews, maintenance, release, critical);
    }

    /** The same entry opted in as critical ({@code critical: true}): its outages page. */
    public PlatformEntry asCritical() {
        return new PlatformEntry(id, names, baseUrl, protocol, merchantId, credentials, product, account, schedule,
                deadlines, budget, payer, generic, availability, icp, reviews, maintenance, version, Boolean.TRUE);
    }

    /**
     * A recurring window in which the platform is expected to be down: no purchase is placed and runs carry reason
     * {@code maintenance}.
     *
     * @param cron     a Quartz cron expression for each window's start, in the service's time zone
     * @param duration how long each window lasts (e.g. 3h)
     * @param note     what it is, shown with the runs (e.g. 银行维护)
     */
    public record Maintenance(String cron, String duration, String note) {
    }

    /**
     * Where complaints about the platform are read; it is review-probed (hourly) when it has this block.
     *
     * @param maxPages  pages per source per run at the most (default 5)
     * @param sources   each a 黑猫-shaped API ({@code kind: heimao}) or an HTML site ({@code kind: html})
     */
    public record Reviews(Integer maxPages, List<Source> sources) {
    }

    /**
     * One complaint source. heimao: base-url, keyword, secret (a reference). html: name, url and CSS selectors.
     */
    public record Source(String kind, String name, String baseUrl, String keyword, String secret, String url,
            String item, String title, String body, String time, String author, String link, String next) {
    }

    /**
     * The ICP probe's settings; a platform is ICP-checked when it has this block.
     *
     * @param domain  the domain looked up in the registry; default the base URL's host without www.
     * @param pages   pages whose footers are read; default the first availability URL or the base URL
     */
    public record Icp(String domain, List<String> pages) {
    }

    /**
     * The availability probe's targets; a platform is availability-probed when it has this block.
     *
     * @param urls     storefront first, then API endpoints; default the base URL
     * @param keyword  text the storefront must show
     * @param absent   text it must not show
     * @param domains  the platform's own hosts, where redirects may lead; default the URLs' hosts
     */
    public record Availability(List<String> urls, String keyword, String absent, List<String> domains) {
    }

    /**
     * How a storefront's orders are paid.
     *
     * @param kind     {@code balance} (our account's balance at the store: a real purchase) or {@code checkout}
     *                 (nothing is paid: the order is followed to the gateway's page)
     * @param gateway  the gateway's base URL: the only host besides the store's that a checkout visits
     * @param method   the store's id for the payment method (acg-faka's pay_id, dujiaoka's payway)
     */
    public record Payer(String kind, String gateway, String method) {
    }

    /** @param daily yuan this platform may spend per day */
    public record Budget(BigDecimal daily) {
    }

    public record Names(String zh, String en) {
    }

    public record Product(String id, BigDecimal faceValue, BigDecimal priceCap, String codePattern) {
    }

    public record ScheduleEntry(String every, String cron, String jitter) {
    }

    /** {@code notify} in YAML; a record component may not be called notify. */
    public record Deadlines(@JsonProperty("notify") String notifyWithin, String confirm, String pollInitial,
            String pollMax) {
    }

    /** The whole file. */
    public record Document(List<PlatformEntry> platforms) {
    }
}
