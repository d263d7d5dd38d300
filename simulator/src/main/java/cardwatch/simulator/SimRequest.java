package cardwatch.simulator;

import java.util.Map;

/**
 * One request to a simulated storefront or gateway.
 *
 * @param method   GET, POST
 * @param path     the path, without the query
 * @param query    query parameters
 * @param form     form parameters (empty for JSON bodies)
 * @param body     the raw body
 * @param headers  request headers, first value each, names lower-case
 */
record SimRequest(String method, String path, Map<String, String> query, Map<String, String> form, String body,
        Map<String, String> headers) {

    /** A cookie the request carries, or empty. */
    String cookie(String name) {
        String header = headers.getOrDefault("cookie", "");
        for (String part : header.split(";")) {
            int eq = part.indexOf('=');
            if (eq > 0 && part.substring(0, eq).trim().equals(name)) {
                return java.net.URLDecoder.decode(part.substring(eq + 1).trim(), java.nio.charset.StandardCharsets.UTF_8);
            }
        }
        return "";
    }

    /** A header, or empty; names are lower-case. */
    String header(String name) {
        return headers.getOrDefault(name, "");
    }

    /** A parameter from the query or the form. */
    String param(String name) {
        String value = query.get(name);
        return value != null ? value : form.getOrDefault(name, "");
    }
}
