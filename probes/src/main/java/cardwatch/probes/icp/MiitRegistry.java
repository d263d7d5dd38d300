package cardwatch.probes.icp;

import cardwatch.probes.ProbeContext;
import cardwatch.probes.http.HttpAnswer;
import cardwatch.probes.http.TransportException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The MIIT ICP query flow: {@code auth} with authKey = md5("testtest" + timestamp) gives a token; a captcha step
 * (behind {@link CaptchaSolver}) gives a sign; {@code icpAbbreviateInfo/queryByCondition} with unitName = the domain
 * and serviceType 1 gives the record (unitName, natureName, mainLicence, serviceLicence, domain,
 * updateRecordTime). The token is kept until it expires and refreshed once when the registry says it has. A WAF
 * page (当前访问疑似黑客攻击) or no answer is a failed lookup, never "not recorded".
 */
public final class MiitRegistry implements IcpRegistry {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String WAF = "当前访问疑似黑客攻击";

    /** Solves the registry's captcha: a real deployment plugs in its solver. */
    public interface CaptchaSolver {
        /** The answer to the challenge the registry sent, or null when it cannot be solved. */
        String solve(JsonNode challenge);
    }

    private record Token(String value, Instant expires) {
    }

    private final URI base;
    private final CaptchaSolver solver;
    private volatile Token token;

    public MiitRegistry(URI base, CaptchaSolver solver) {
        this.base = base;
        this.solver = solver;
    }

    @Override
    public String name() {
        return "miit";
    }

    @Override
    public Lookup lookup(String domain, ProbeContext context) {
        try {
            Lookup first = query(domain, context, false);
            if (first != null) {
                return first;
            }
            Lookup again = query(domain, context, true);
            return again != null ? again : new Lookup.Failed("registry: the new token expired at once");
        } catch (TransportException e) {
            return new Lookup.Failed("registry: " + e.getMessage());
        } catch (Refused e) {
            return new Lookup.Failed(e.getMessage());
        }
    }

    /** Asks the registry; null when it says the token expired. */
    private Lookup query(String domain, ProbeContext context, boolean fresh) throws TransportException, Refused {
        Token current = token;
        Instant now = context.clock().instant();
        if (fresh || current == null || !now.isBefore(current.expires())) {
            current = authenticate(context);
            token = current;
        }
        JsonNode challenge = json(context.http().postJson(endpoint("image/getCheckImage"), "{}",
                Map.of("Token", current.value())), "captcha");
        if (challenge.path("code").asInt(0) == 401) {
            return null;
        }
        String uuid = challenge.path("params").path("uuid").asString("");
        String answer = solver.solve(challenge.path("params"));
        if (answer == null) {
            throw new Refused("registry: the captcha could not be solved");
        }
        JsonNode checked = json(context.http().postJson(endpoint("image/checkImage"),
                JSON.writeValueAsString(Map.of("key", uuid, "value", answer)), Map.of("Token", current.value())),
                "captcha check");
        String sign = checked.path("params").asString("");
        if (checked.path("code").asInt(0) != 200 || sign.isEmpty()) {
            throw new Refused("registry: captcha refused: " + checked.path("msg").asString(""));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("pageNum", "");
        body.put("pageSize", "");
        body.put("unitName", domain);
        body.put("serviceType", 1);
        JsonNode result = json(context.http().postJson(endpoint("icpAbbreviateInfo/queryByCondition"),
                JSON.writeValueAsString(body), Map.of("Token", current.value(), "Sign", sign, "Uuid", uuid)),
                "query");
        int code = result.path("code").asInt(0);
        if (code == 401) {
            return null;
        }
        if (code != 200) {
            throw new Refused("registry: " + result.path("msg").asString("code " + code));
        }
        for (JsonNode item : result.path("params").path("list")) {
            if (domain.equalsIgnoreCase(item.path("domain").asString(""))) {
                return new Lookup.Found(new IcpRecord(item.path("unitName").asString(""),
                        item.path("natureName").asString(""), item.path("mainLicence").asString(""),
                        item.path("serviceLicence").asString(""), item.path("domain").asString(""),
                        item.path("updateRecordTime").asString("")));
            }
        }
        return new Lookup.NotRecorded("the registry has no record for " + domain);
    }

    private Token authenticate(ProbeContext context) throws TransportException, Refused {
        long timestamp = context.clock().millis();
        Map<String, String> form = Map.of("authKey", md5("testtest" + timestamp), "timeStamp",
                String.valueOf(timestamp));
        JsonNode auth = json(context.http().postForm(endpoint("auth"), form), "auth");
        String value = auth.path("params").path("bussiness").asString("");
        if (auth.path("code").asInt(0) != 200 || value.isEmpty()) {
            throw new Refused("registry: auth refused: " + auth.path("msg").asString(""));
        }
        long expire = auth.path("params").path("expire").asLong(60_000);
        return new Token(value, context.clock().instant().plusMillis(Math.max(0, expire - 5_000)));
    }

    private JsonNode json(HttpAnswer answer, String step) throws Refused {
        if (answer.body().contains(WAF)) {
            throw new Refused("registry " + step + ": its firewall answered " + WAF);
        }
        if (!answer.ok() && answer.status() != 401) {
            throw new Refused("registry " + step + ": HTTP " + answer.status());
        }
        try {
            JsonNode node = JSON.readTree(answer.body());
            if (node == null || !node.isObject()) {
                throw new Refused("registry " + step + ": not JSON");
            }
            return node;
        } catch (JacksonException e) {
            throw new Refused("registry " + step + ": not JSON");
        }
    }

    private URI endpoint(String path) {
        String text = base.toString();
        return URI.create(text.endsWith("/") ? text + path : text + "/" + path);
    }

    static String md5(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A registry answer that ends the lookup as failed. */
    private static final class Refused extends Exception {
        Refused(String message) {
            super(message);
        }
    }
}
