package cardwatch.probes.purchase.storefront;

import cardwatch.probes.Evidence;
import cardwatch.probes.Reason;
import cardwatch.probes.http.HttpAnswer;
import cardwatch.probes.http.HttpTransport;
import cardwatch.probes.http.TransportException;
import cardwatch.probes.purchase.Transports;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/**
 * Follows a store's pay route the way a buyer's browser does, as far as the gateway's page, and pays nothing. A hop
 * is an HTTP redirect within the store or the gateway, an auto-submitting form (dujiaoka's yipay hand-off,
 * {@code app/Http/Controllers/Pay/YipayController.php}), a script that replaces the location (Rainbow epay's
 * {@code submit.php}, through {@code submitTemplate} to {@code /pay/qrcode/{trade_no}/}) or a meta refresh. It stops
 * at a gateway page that shows an amount ({@code .amount}, or ￥ in the text, as {@code includes/pages/alipay_qrcode.php}
 * does), at the gateway's error page ({@code sysmsg}: 站点提示信息), or where the gateway hands the buyer on to a host
 * outside (the payment provider). Only the store's host and the gateway configured for it are ever visited.
 */
public final class GatewayCheckout {

    /** Hops followed at most: a store, its pay route, the gateway's submit, its pay page, and some slack. */
    static final int MAX_HOPS = 8;

    private static final Pattern LOCATION = Pattern.compile(
            "location(?:\\.href)?\\s*=\\s*['\"]([^'\"]+)['\"]|location\\.(?:replace|assign)\\(\\s*['\"]([^'\"]+)['\"]\\s*\\)");
    private static final Pattern SUBMIT = Pattern.compile("\\.submit\\(\\s*\\)");
    private static final Pattern REFRESH = Pattern.compile("(?i)url\\s*=\\s*['\"]?([^'\";]+)");
    private static final Pattern YUAN = Pattern.compile("[￥¥]\\s*([0-9]+(?:\\.[0-9]{1,2})?)");
    private static final Pattern PAY_PATH = Pattern.compile("/pay/[A-Za-z0-9_]+/([0-9]{10,})/?");

    private GatewayCheckout() {
    }

    /** Where following the pay route ended. */
    public sealed interface Outcome {

        /**
         * The gateway's own page for the trade.
         *
         * @param amount   what it asks
         * @param named    whether it shows our order number, or was handed it as {@code out_trade_no}
         * @param tradeNo  the gateway's trade number, when the page or its address shows it, else empty
         * @param where    the page's address, for the evidence
         */
        record Shown(BigDecimal amount, boolean named, String tradeNo, URI where) implements Outcome {
        }

        /**
         * The gateway took the trade and sends the buyer on to a payment provider, without a page of its own.
         *
         * @param handedAmount  the amount the store handed the gateway, when the hand-off showed it
         */
        record HandedOn(String host, BigDecimal handedAmount, boolean named) implements Outcome {
        }

        /** The store or the gateway refused in words (an error page). */
        record Refused(String message, boolean byGateway) implements Outcome {
        }

        /** No usable answer, or a route that leads nowhere we may go. */
        record Failed(Reason reason, String evidence) implements Outcome {
        }
    }

    /**
     * Follows {@code order}'s pay URL.
     *
     * @param http        the run's session (cookies matter to some stores)
     * @param store       the store's base URL
     * @param gateway     the gateway's base URL from {@code platforms.yml}: the only other host visited
     * @param storeError  reads a store page for an error message (dujiaoka's 出现错误了哟~), null when it is none
     */
    public static Outcome follow(HttpTransport http, URI store, URI gateway, StoreOrder order,
            Function<Document, String> storeError) throws InterruptedException {
        Set<String> allowed = new java.util.HashSet<>(List.of(store.getHost().toLowerCase(Locale.ROOT),
                gateway.getHost().toLowerCase(Locale.ROOT)));
        String payUrl = order.payment().payUrl();
        if (payUrl == null || payUrl.isBlank()) {
            return new Outcome.Failed(Reason.PROTOCOL_ERROR, "the store gave no pay route for order " + order.orderNo());
        }
        Hop hop = new Hop(store.resolve(payUrl.trim()), null);
        URI referer = store;
        Map<String, String> handed = sameHost(hop.url(), gateway) && !sameHost(hop.url(), store) ? query(hop.url())
                : Map.of();
        for (int i = 0; i < MAX_HOPS; i++) {
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            HttpAnswer answer;
            try {
                Map<String, String> headers = Map.of("Referer", referer.toString());
                answer = hop.form() == null ? http.get(hop.url(), allowed, headers)
                        : http.postForm(hop.url(), hop.form(), headers);
            } catch (TransportException e) {
                if (e.kind() == TransportException.Kind.REDIRECT_REFUSED && e.target() != null) {
                    return outside(hop.url(), e.target(), store, gateway, handed, order);
                }
                return new Outcome.Failed(Transports.reason(e), "pay route " + hop.url().getHost() + ": "
                        + e.getMessage());
            }
            URI at = answer.url() == null ? hop.url() : answer.url();
            boolean onGateway = sameHost(at, gateway) && !sameHost(at, store);
            Document page = Jsoup.parse(answer.body() == null ? "" : answer.body(), at.toString());
            if (onGateway) {
                String refusal = epayError(page);
                if (refusal != null) {
                    return new Outcome.Refused(refusal, true);
                }
            } else if (storeError != null) {
                String refusal = storeError.apply(page);
                if (refusal != null) {
                    return new Outcome.Refused(refusal, false);
                }
            }
            if (!answer.ok()) {
                return new Outcome.Failed(Reason.HTTP_ERROR, "pay route " + at.getHost() + ": HTTP " + answer.status()
                        + " " + Evidence.of(answer.body(), List.of()));
            }
            if (onGateway) {
                BigDecimal amount = amount(page);
                if (amount != null) {
                    String text = page.text();
                    boolean named = text.contains(order.orderNo())
                            || order.orderNo().equals(handed.get("out_trade_no"));
                    return new Outcome.Shown(amount, named, tradeNo(page, at), at);
                }
            }
            Hop next = next(page, at);
            if (next == null) {
                return new Outcome.Failed(Reason.PROTOCOL_ERROR, (onGateway ? "the gateway's page shows no amount"
                        : "the pay route stops at the store without handing over to a gateway") + " (" + at + "): "
                        + Evidence.of(page.text(), List.of()));
            }
            if (!allowed.contains(next.url().getHost().toLowerCase(Locale.ROOT))) {
                return outside(at, next.url(), store, gateway, handed, order);
            }
            if (sameHost(next.url(), gateway) && !onGateway) {
                handed = next.form() != null ? next.form() : query(next.url());
            }
            referer = at;
            hop = next;
        }
        return new Outcome.Failed(Reason.PROTOCOL_ERROR, "the pay route did not reach the gateway's page within "
                + MAX_HOPS + " hops");
    }

    /** A hop to a host that is neither the store nor its gateway. */
    private static Outcome outside(URI from, URI to, URI store, URI gateway, Map<String, String> handed,
            StoreOrder order) {
        if (sameHost(from, gateway) && !sameHost(from, store)) {
            return new Outcome.HandedOn(to.getHost(), StoreAnswers.decimal(handed.get("money")),
                    order.orderNo().equals(handed.get("out_trade_no")));
        }
        return new Outcome.Failed(Reason.CONFIG, "the store hands buyers to " + to.getHost()
                + ", not to the gateway configured for it (" + gateway.getHost() + "): check payer.gateway");
    }

    /** One step of the route: a GET, or a form POST when {@code form} is set. */
    record Hop(URI url, Map<String, String> form) {
    }

    /** The next hop a browser would take on its own: an auto-submitted form, a script's location, a meta refresh. */
    static Hop next(Document page, URI at) {
        String scripts = page.select("script").html();
        Element form = page.selectFirst("form[action]");
        if (form != null && SUBMIT.matcher(scripts).find()) {
            Map<String, String> fields = new LinkedHashMap<>();
            for (Element input : form.select("input[name]")) {
                fields.put(input.attr("name"), input.attr("value"));
            }
            URI action = resolve(at, form.attr("action"));
            if (action == null) {
                return null;
            }
            if (form.attr("method").equalsIgnoreCase("post")) {
                return new Hop(action, fields);
            }
            StringBuilder q = new StringBuilder();
            fields.forEach((k, v) -> q.append(q.length() == 0 ? "" : "&").append(encode(k)).append('=')
                    .append(encode(v)));
            String base = action.toString();
            return new Hop(URI.create(base + (base.contains("?") ? "&" : "?") + q), null);
        }
        Matcher location = LOCATION.matcher(scripts);
        if (location.find()) {
            URI target = resolve(at, location.group(1) != null ? location.group(1) : location.group(2));
            return target == null ? null : new Hop(target, null);
        }
        Element refresh = page.selectFirst("meta[http-equiv~=(?i)refresh][content]");
        if (refresh != null) {
            Matcher url = REFRESH.matcher(refresh.attr("content"));
            if (url.find()) {
                URI target = resolve(at, url.group(1).trim());
                return target == null ? null : new Hop(target, null);
            }
        }
        return null;
    }

    /** Rainbow epay's error page ({@code sysmsg} in {@code includes/functions.php}): its message, else null. */
    static String epayError(Document page) {
        Element body = page.body();
        boolean sysmsg = "error-page".equals(body.id()) || page.title().contains("站点提示信息")
                || page.title().contains("跳转提示");
        if (!sysmsg) {
            return null;
        }
        Element heading = body.selectFirst("h3");
        String text = body.text();
        if (heading != null && text.startsWith(heading.text())) {
            text = text.substring(heading.text().length());
        }
        text = text.strip();
        return text.isEmpty() ? page.title() : text;
    }

    /** The amount a gateway page asks: its {@code .amount}, else the first ￥ figure in its text. */
    static BigDecimal amount(Document page) {
        Element amount = page.selectFirst(".amount, #amount, .money, #money");
        if (amount != null) {
            Matcher m = Pattern.compile("([0-9]+(?:\\.[0-9]{1,2})?)").matcher(amount.text());
            if (m.find()) {
                return new BigDecimal(m.group(1));
            }
        }
        Matcher m = YUAN.matcher(page.text());
        return m.find() ? new BigDecimal(m.group(1)) : null;
    }

    /** The gateway's trade number: {@code #billId} on its page, else the {@code /pay/<type>/<trade_no>/} path. */
    static String tradeNo(Document page, URI at) {
        Element bill = page.selectFirst("#billId");
        if (bill != null && !bill.text().isBlank()) {
            return bill.text().strip();
        }
        Matcher m = PAY_PATH.matcher(at.getPath() == null ? "" : at.getPath());
        return m.find() ? m.group(1) : "";
    }

    private static Map<String, String> query(URI url) {
        Map<String, String> params = new LinkedHashMap<>();
        String raw = url.getRawQuery();
        if (raw == null) {
            return params;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            params.put(java.net.URLDecoder.decode(key, StandardCharsets.UTF_8),
                    java.net.URLDecoder.decode(value, StandardCharsets.UTF_8));
        }
        return params;
    }

    private static URI resolve(URI base, String target) {
        try {
            URI resolved = base.resolve(target.trim().replace(" ", "%20"));
            String scheme = resolved.getScheme();
            return scheme != null && (scheme.equals("http") || scheme.equals("https")) && resolved.getHost() != null
                    ? resolved : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static boolean sameHost(URI a, URI b) {
        return a.getHost() != null && a.getHost().equalsIgnoreCase(b.getHost()) && port(a) == port(b);
    }

    private static int port(URI uri) {
        return uri.getPort() >= 0 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value == null ? "" : value, StandardCharsets.UTF_8);
    }
}
