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

    /** A parameter from the query or the form. */
    String param(String name) {
        String value = query.get(name);
        return value != null ? value : form.getOrDefault(name, "");
    }
}
