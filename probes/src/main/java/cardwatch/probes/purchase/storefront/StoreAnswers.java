package cardwatch.probes.purchase.storefront;

import cardwatch.probes.Evidence;
import cardwatch.probes.Reason;
import cardwatch.probes.http.HttpAnswer;
import cardwatch.probes.http.TransportException;
import cardwatch.probes.purchase.Transports;
import java.math.BigDecimal;
import java.net.URI;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** What storefront adapters share when they read answers. */
public final class StoreAnswers {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private StoreAnswers() {
    }

    /** A JSON object, or null when the body is not one. */
    public static JsonNode json(String body) {
        try {
            JsonNode node = JSON.readTree(body == null ? "" : body);
            return node != null && node.isObject() ? node : null;
        } catch (JacksonException e) {
            return null;
        }
    }

    public static String toJson(Object value) {
        return JSON.writeValueAsString(value);
    }

    public static Storefront.Created unknown(String step, TransportException e) {
        return new Storefront.Created.Unknown(Transports.reason(e), step + ": " + e.getMessage(),
                e.kind().maybeArrived());
    }

    public static Storefront.Created unusable(String step, HttpAnswer answer) {
        Reason reason = answer.ok() ? Reason.PROTOCOL_ERROR : Reason.HTTP_ERROR;
        return new Storefront.Created.Unknown(reason, step + ": HTTP " + answer.status() + " " + snippet(answer.body()),
                true);
    }

    public static Storefront.Lookup failed(String step, TransportException e) {
        return new Storefront.Lookup.Failed(Transports.reason(e), step + ": " + e.getMessage());
    }

    public static Storefront.Lookup failed(String step, HttpAnswer answer) {
        Reason reason = answer.ok() ? Reason.PROTOCOL_ERROR : Reason.HTTP_ERROR;
        return new Storefront.Lookup.Failed(reason, step + ": HTTP " + answer.status() + " " + snippet(answer.body()));
    }

    public static String snippet(String body) {
        return Evidence.of(body, List.of());
    }

    public static BigDecimal decimal(String text) {
        try {
            return text == null || text.isBlank() ? null : new BigDecimal(text.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The {@code trade_no} parameter of a gateway pay URL, or empty. */
    public static String tradeNo(String payUrl) {
        if (payUrl == null || payUrl.isBlank()) {
            return "";
        }
        String query = URI.create(payUrl.trim()).getRawQuery();
        if (query == null) {
            return "";
        }
        for (String pair : query.split("&")) {
            if (pair.startsWith("trade_no=")) {
                return pair.substring("trade_no=".length());
            }
        }
        return "";
    }

    /** An endpoint below a base URL. */
    public static URI endpoint(URI base, String relative) {
        String text = base.toString();
        return URI.create(text.endsWith("/") ? text + relative : text + "/" + relative);
    }
}
