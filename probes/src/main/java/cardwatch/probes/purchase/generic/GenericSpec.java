package cardwatch.probes.purchase.generic;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A generic storefront's steps, as written under {@code generic:} in {@code platforms.yml}: for each step the method,
 * a URL template and a form or JSON body template; where the order number, pay URL, amount, status and code are
 * found in the answer (a JSON pointer such as {@code /data/tradeNo}, or a CSS selector such as
 * {@code .order-sn} or {@code a.pay@href}); and which status values mean unpaid, expired, processing, done and
 * failed. Templates take {product}, {contact}, {order} (our client order id), {method} (the payer's pay id),
 * {account} and, after creation, {orderNo}.
 *
 * @param create  creates the order
 * @param find    finds it again by what we gave it
 * @param code    reads the delivered code, when {@code find} does not show it
 * @param states  status value lists by meaning: unpaid, expired, processing, done, failed
 */
public record GenericSpec(Step create, Step find, Step code, Map<String, List<String>> states) {

    public static final Set<String> STATE_NAMES = Set.of("unpaid", "expired", "processing", "done", "failed");

    /**
     * One HTTP step.
     *
     * @param method    GET or POST
     * @param url       a URL template, relative to the platform's base URL or absolute
     * @param json      a JSON body template, or null
     * @param form      form fields (templates), or null
     * @param accepted  for {@code create}: a locator and the values that mean the order was taken
     * @param values    what {@code accepted} must be one of
     * @param message   where the refusal message is
     * @param item      for {@code find}: where our order is in the answer (further locators are relative to it)
     * @param orderNo   where the store's order number is
     * @param payUrl    where the pay URL is
     * @param amount    where the amount is
     * @param status    a template over locators, e.g. {@code {/status}:{/delivery_status}}
     * @param codeAt    where the code is
     */
    public record Step(String method, String url, String json, Map<String, String> form, String accepted,
            List<String> values, String message, String item, String orderNo, String payUrl, String amount,
            String status, String codeAt) {
    }

    /** Reads the spec from the YAML-shaped options; problems are field path → message. */
    @SuppressWarnings("unchecked")
    public static GenericSpec parse(Map<String, Object> options, Map<String, String> problems) {
        Object root = options.get("generic");
        if (!(root instanceof Map<?, ?> generic)) {
            problems.put("generic", "is required for protocol generic");
            return null;
        }
        Step create = step((Map<String, Object>) generic, "create", problems, true);
        Step find = step((Map<String, Object>) generic, "find", problems, true);
        Step code = step((Map<String, Object>) generic, "code", problems, false);
        Map<String, List<String>> states = new LinkedHashMap<>();
        Object raw = generic.get("states");
        if (!(raw instanceof Map<?, ?> stateMap)) {
            problems.put("generic.states", "is required: the status values for unpaid, expired, processing, done "
                    + "and failed");
        } else {
            stateMap.forEach((name, list) -> {
                if (!STATE_NAMES.contains(String.valueOf(name))) {
                    problems.put("generic.states." + name, "unknown state (known: done, expired, failed, processing,"
                            + " unpaid)");
                } else {
                    List<String> values = new ArrayList<>();
                    if (list instanceof List<?> items) {
                        items.forEach(v -> values.add(String.valueOf(v)));
                    } else if (list != null) {
                        values.add(String.valueOf(list));
                    }
                    states.put(String.valueOf(name), values);
                }
            });
            if (!states.containsKey("done")) {
                problems.put("generic.states.done", "is required");
            }
        }
        if (create != null) {
            require(create.orderNo(), "generic.create.order-no", problems);
            require(create.accepted(), "generic.create.accepted", problems);
        }
        if (find != null) {
            require(find.status(), "generic.find.status", problems);
            if (find.codeAt() == null && code == null) {
                problems.put("generic.code", "is required when generic.find has no code locator");
            }
        }
        return problems.isEmpty() ? new GenericSpec(create, find, code, states) : null;
    }

    private static Step step(Map<String, Object> generic, String name, Map<String, String> problems,
            boolean required) {
        Object raw = generic.get(name);
        String field = "generic." + name;
        if (raw == null) {
            if (required) {
                problems.put(field, "is required");
            }
            return null;
        }
        if (!(raw instanceof Map<?, ?> map)) {
            problems.put(field, "must be a mapping");
            return null;
        }
        String method = text(map, "method", "POST").toUpperCase();
        if (!method.equals("GET") && !method.equals("POST")) {
            problems.put(field + ".method", "must be GET or POST, was " + method);
        }
        String url = text(map, "url", null);
        require(url, field + ".url", problems);
        Map<String, String> form = null;
        if (map.get("form") instanceof Map<?, ?> f) {
            form = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : f.entrySet()) {
                form.put(String.valueOf(e.getKey()), String.valueOf(e.getValue()));
            }
        }
        List<String> values = new ArrayList<>();
        if (map.get("values") instanceof List<?> list) {
            list.forEach(v -> values.add(String.valueOf(v)));
        }
        for (Object key : map.keySet()) {
            if (!Set.of("method", "url", "json", "form", "accepted", "values", "message", "item", "order-no",
                    "pay-url", "amount", "status", "code").contains(String.valueOf(key))) {
                problems.put(field + "." + key, "unknown field");
            }
        }
        return new Step(method, url, text(map, "json", null), form, text(map, "accepted", null), values,
                text(map, "message", null), text(map, "item", null), text(map, "order-no", null),
                text(map, "pay-url", null), text(map, "amount", null), text(map, "status", null),
                text(map, "code", null));
    }

    private static String text(Map<?, ?> map, String key, String fallback) {
        Object value = map.get(key);
        return value == null ? fallback : String.valueOf(value);
    }

    private static void require(String value, String field, Map<String, String> problems) {
        if (value == null || value.isBlank()) {
            problems.put(field, "is required");
        }
    }
}
