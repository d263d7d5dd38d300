package cardwatch.probes.purchase.generic;

import cardwatch.probes.PlatformSettings;
import cardwatch.probes.ProbeContext;
import cardwatch.probes.Reason;
import cardwatch.probes.http.HttpAnswer;
import cardwatch.probes.http.TransportException;
import cardwatch.probes.purchase.BalanceAnswer;
import cardwatch.probes.purchase.OrderStatus;
import cardwatch.probes.purchase.storefront.Payment;
import cardwatch.probes.purchase.storefront.StoreAnswers;
import cardwatch.probes.purchase.storefront.StoreOrder;
import cardwatch.probes.purchase.storefront.Storefront;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A storefront described entirely in {@code platforms.yml} ({@link GenericSpec}): a platform with its own API needs
 * no code. Answers are read as JSON (located by JSON pointer) or as HTML (located by CSS selector, {@code @attr} for
 * an attribute).
 */
public final class GenericStorefront implements Storefront {

    public static final String NAME = "generic";
    private static final Pattern SLOT = Pattern.compile("\\{([^{}]+)}");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Created create(PlatformSettings platform, ProbeContext context, boolean fromBalance) {
        GenericSpec spec = spec(platform);
        if (spec == null) {
            return new Created.Unknown(Reason.CONFIG, "the generic steps are not valid", false);
        }
        GenericSpec.Step step = spec.create();
        HttpAnswer answer;
        try {
            answer = send(platform, context, step, variables(platform, context, null));
        } catch (TransportException e) {
            return StoreAnswers.unknown("order", e);
        }
        Object parsed = answer.ok() ? parse(answer.body()) : null;
        if (parsed == null || step.accepted().startsWith("/") != parsed instanceof JsonNode) {
            return StoreAnswers.unusable("order", answer);
        }
        String accepted = locate(parsed, step.accepted());
        if (accepted == null || !step.values().contains(accepted)) {
            String message = step.message() == null ? null : locate(parsed, step.message());
            return new Created.Refused(message != null ? message : StoreAnswers.snippet(answer.body()));
        }
        String orderNo = locate(parsed, step.orderNo());
        if (orderNo == null || orderNo.isBlank()) {
            return new Created.Unknown(Reason.PROTOCOL_ERROR, "order: no order number at " + step.orderNo(), true);
        }
        return new Created.Order(order(parsed, step, orderNo, OrderStatus.State.UNPAID, "", "created"), false);
    }

    @Override
    public Lookup find(PlatformSettings platform, ProbeContext context) {
        GenericSpec spec = spec(platform);
        if (spec == null) {
            return new Lookup.Failed(Reason.CONFIG, "the generic steps are not valid");
        }
        GenericSpec.Step step = spec.find();
        HttpAnswer answer;
        try {
            answer = send(platform, context, step, variables(platform, context, null));
        } catch (TransportException e) {
            return StoreAnswers.failed("find", e);
        }
        Object parsed = answer.ok() ? parse(answer.body()) : null;
        if (parsed == null) {
            return StoreAnswers.failed("find", answer);
        }
        Object item = step.item() == null ? parsed : node(parsed, step.item());
        if (item == null) {
            return new Lookup.NotFound("no order at " + step.item());
        }
        String value = status(item, step.status());
        String meaning = spec.states().entrySet().stream().filter(e -> e.getValue().contains(value))
                .map(Map.Entry::getKey).findFirst().orElse(null);
        if (meaning == null) {
            return new Lookup.Failed(Reason.PROTOCOL_ERROR, "find: status '" + value + "' is in no state list");
        }
        String orderNo = step.orderNo() == null ? "" : String.valueOf(locate(item, step.orderNo()));
        String code = "";
        if (meaning.equals("done")) {
            if (step.codeAt() != null) {
                code = String.valueOf(locate(item, step.codeAt()));
            } else {
                try {
                    HttpAnswer codeAnswer = send(platform, context, spec.code(),
                            variables(platform, context, orderNo));
                    Object codeParsed = codeAnswer.ok() ? parse(codeAnswer.body()) : null;
                    if (codeParsed == null) {
                        return StoreAnswers.failed("code", codeAnswer);
                    }
                    String found = locate(codeParsed, spec.code().codeAt());
                    code = found == null ? "" : found;
                } catch (TransportException e) {
                    return StoreAnswers.failed("code", e);
                }
            }
        }
        OrderStatus.State state = switch (meaning) {
            case "unpaid" -> OrderStatus.State.UNPAID;
            case "expired" -> OrderStatus.State.EXPIRED;
            case "processing" -> OrderStatus.State.PROCESSING;
            case "done" -> OrderStatus.State.SUCCESS;
            default -> OrderStatus.State.FAILED;
        };
        return new Lookup.Found(order(item, step, orderNo, state, code, value));
    }

    @Override
    public Map<String, String> checkOptions(Map<String, Object> options) {
        Map<String, String> problems = new LinkedHashMap<>();
        GenericSpec.parse(options, problems);
        return problems;
    }

    @Override
    public BalanceAnswer balance(PlatformSettings platform, ProbeContext context) {
        return new BalanceAnswer.Failed(Reason.CONFIG, "a generic storefront keeps no account balance");
    }

    private static StoreOrder order(Object answer, GenericSpec.Step step, String orderNo, OrderStatus.State state,
            String code, String words) {
        String payUrl = step.payUrl() == null ? "" : String.valueOf(locate(answer, step.payUrl()));
        BigDecimal amount = step.amount() == null ? null : StoreAnswers.decimal(locate(answer, step.amount()));
        return new StoreOrder(orderNo, new Payment(StoreAnswers.tradeNo(payUrl), payUrl, amount),
                new OrderStatus(state, orderNo, code, words, amount));
    }

    private static GenericSpec spec(PlatformSettings platform) {
        return GenericSpec.parse(platform.options(), new LinkedHashMap<>());
    }

    private static Map<String, String> variables(PlatformSettings platform, ProbeContext context, String orderNo) {
        Map<String, String> vars = new LinkedHashMap<>();
        vars.put("product", platform.purchase().productId());
        vars.put("contact", Storefront.contact(context));
        vars.put("order", context.clientOrderId());
        vars.put("method", platform.payer() == null ? "" : String.valueOf(platform.payer().method()));
        vars.put("account", platform.purchase().account());
        vars.put("orderNo", orderNo == null ? "" : orderNo);
        return vars;
    }

    private static HttpAnswer send(PlatformSettings platform, ProbeContext context, GenericSpec.Step step,
            Map<String, String> vars) throws TransportException {
        String rendered = render(step.url(), vars, v -> URLEncoder.encode(v, StandardCharsets.UTF_8));
        URI url = rendered.startsWith("http://") || rendered.startsWith("https://") ? URI.create(rendered)
                : StoreAnswers.endpoint(platform.baseUrl(), rendered);
        if (step.method().equals("GET")) {
            return context.http().get(url);
        }
        if (step.json() != null) {
            return context.http().postJson(url, render(step.json(), vars, GenericStorefront::jsonEscape), Map.of());
        }
        Map<String, String> form = new LinkedHashMap<>();
        if (step.form() != null) {
            step.form().forEach((k, v) -> form.put(k, render(v, vars, x -> x)));
        }
        return context.http().postForm(url, form);
    }

    /**
     * Fills {name} slots from {@code vars}; unknown ones stay as written. {name:N} keeps at most N characters, for a
     * store whose column is that short (acg-faka's request_no is char(19), its contact varchar(32)); an e-mail keeps
     * its domain and loses from its local part.
     */
    static String render(String template, Map<String, String> vars, java.util.function.UnaryOperator<String> escape) {
        Matcher m = SLOT.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String slot = m.group(1);
            int colon = slot.lastIndexOf(':');
            Integer limit = null;
            if (colon > 0 && slot.substring(colon + 1).matches("\\d{1,4}")) {
                limit = Integer.parseInt(slot.substring(colon + 1));
                slot = slot.substring(0, colon);
            }
            String value = vars.get(slot);
            if (value != null && limit != null) {
                value = shorten(value, limit);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value == null ? m.group() : escape.apply(value)));
        }
        return m.appendTail(out).toString();
    }

    /** At most {@code limit} characters; an e-mail keeps its domain. */
    static String shorten(String value, int limit) {
        if (value.length() <= limit) {
            return value;
        }
        int at = value.indexOf('@');
        if (at > 0 && value.length() - at < limit) {
            return value.substring(0, limit - (value.length() - at)) + value.substring(at);
        }
        return value.substring(0, limit);
    }

    /** Fills a status template whose every slot is a locator into {@code item}. */
    static String status(Object item, String template) {
        Matcher m = SLOT.matcher(template);
        StringBuilder out = new StringBuilder();
        boolean any = false;
        while (m.find()) {
            any = true;
            String value = locate(item, m.group(1));
            m.appendReplacement(out, Matcher.quoteReplacement(value == null ? "" : value));
        }
        m.appendTail(out);
        return any ? out.toString() : String.valueOf(locate(item, template));
    }

    private static String jsonEscape(String value) {
        String quoted = JSON.writeValueAsString(value);
        return quoted.substring(1, quoted.length() - 1);
    }

    /** JSON for bodies that look like JSON, HTML otherwise. */
    static Object parse(String body) {
        String trimmed = body == null ? "" : body.strip();
        if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
            try {
                return JSON.readTree(trimmed);
            } catch (tools.jackson.core.JacksonException e) {
                return null;
            }
        }
        return trimmed.isEmpty() ? null : Jsoup.parse(trimmed);
    }

    /** The node a locator points at: a JSON node, or an HTML element. */
    static Object node(Object answer, String locator) {
        if (answer instanceof JsonNode json && locator.startsWith("/")) {
            JsonNode found = json.at(locator);
            return found.isMissingNode() || found.isNull() ? null : found;
        }
        if (answer instanceof Element html && !locator.startsWith("/")) {
            return html.selectFirst(locator);
        }
        return null;
    }

    /** The text a locator points at: a JSON value, an element's text, or {@code selector@attribute}. */
    static String locate(Object answer, String locator) {
        if (answer == null || locator == null) {
            return null;
        }
        if (answer instanceof JsonNode json) {
            if (!locator.startsWith("/")) {
                return null;
            }
            JsonNode found = json.at(locator);
            return found.isMissingNode() || found.isNull() ? null : found.isValueNode() ? found.asString()
                    : found.toString();
        }
        Element html = (Element) answer;
        if (locator.startsWith("/")) {
            return null;
        }
        int at = locator.lastIndexOf('@');
        String selector = at > 0 ? locator.substring(0, at) : locator;
        Element found;
        try {
            found = html.selectFirst(selector);
        } catch (org.jsoup.select.Selector.SelectorParseException e) {
            return null;
        }
        if (found == null) {
            return null;
        }
        return at > 0 ? found.attr(locator.substring(at + 1)) : found.text().strip();
    }
}
