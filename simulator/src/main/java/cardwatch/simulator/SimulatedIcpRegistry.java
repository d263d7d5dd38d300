package cardwatch.simulator;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A simulated MIIT ICP registry: {@code auth} (authKey = md5("testtest" + timeStamp)) gives a token that expires;
 * {@code image/getCheckImage} and {@code image/checkImage} are its captcha (an arithmetic question here, where the
 * real one is a slider); {@code icpAbbreviateInfo/queryByCondition} answers the records it holds. It can wall
 * itself off behind a WAF page and expire every token at once, for tests.
 */
public final class SimulatedIcpRegistry implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    static final String WAF_PAGE = "<html><body><h2>当前访问疑似黑客攻击，已被网站管理员设置为拦截</h2></body></html>";

    private final Clock clock;
    private final Map<String, Map<String, String>> records = new ConcurrentHashMap<>();
    private final Map<String, Instant> tokens = new ConcurrentHashMap<>();
    private final Map<String, Integer> captchas = new ConcurrentHashMap<>();
    private final Map<String, Boolean> signs = new ConcurrentHashMap<>();
    private final AtomicInteger auths = new AtomicInteger();
    private volatile Duration tokenTtl = Duration.ofMinutes(5);
    private volatile boolean waf;
    private final WireMockServer server;

    private SimulatedIcpRegistry(Clock clock) {
        this.clock = clock;
        this.server = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort()
                .containerThreads(6).jettyAcceptors(1).disableRequestJournal()
                .extensions(new HandlerTransformer(this::handle)));
        server.start();
        for (StubMapping mapping : SimulatedStore.mappings()) {
            server.addStubMapping(mapping);
        }
    }

    public static SimulatedIcpRegistry start(Clock clock) {
        return new SimulatedIcpRegistry(clock);
    }

    /** The base URL, ending in {@code /}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.port() + "/";
    }

    /** Holds a record for {@code domain} (unitName, natureName, mainLicence, serviceLicence, updateRecordTime). */
    public SimulatedIcpRegistry record(String domain, String unitName, String natureName, String mainLicence,
            String serviceLicence) {
        records.put(domain.toLowerCase(), Map.of("domain", domain, "unitName", unitName, "natureName", natureName,
                "mainLicence", mainLicence, "serviceLicence", serviceLicence,
                "updateRecordTime", "2024-03-18 10:21:07"));
        return this;
    }

    public void waf(boolean on) {
        this.waf = on;
    }

    /** Every token issued so far stops working. */
    public void expireTokens() {
        tokens.replaceAll((token, until) -> Instant.EPOCH);
    }

    public void tokenTtl(Duration ttl) {
        this.tokenTtl = ttl;
    }

    /** How many tokens were issued. */
    public int auths() {
        return auths.get();
    }

    private SimAnswer handle(SimRequest request) {
        if (waf) {
            return SimAnswer.status(403, WAF_PAGE);
        }
        return switch (request.path()) {
            case "/auth" -> auth(request);
            case "/image/getCheckImage" -> challenge(request);
            case "/image/checkImage" -> check(request);
            case "/icpAbbreviateInfo/queryByCondition" -> query(request);
            default -> SimAnswer.status(404, "{\"code\":404,\"msg\":\"not found\"}");
        };
    }

    private SimAnswer auth(SimRequest request) {
        String stamp = request.param("timeStamp");
        if (!md5("testtest" + stamp).equals(request.param("authKey"))) {
            return answer(JSON.createObjectNode().put("code", 500).put("msg", "authKey 错误"));
        }
        String token = UUID.randomUUID().toString();
        tokens.put(token, clock.instant().plus(tokenTtl));
        auths.incrementAndGet();
        ObjectNode params = JSON.createObjectNode().put("bussiness", token).put("expire", tokenTtl.toMillis());
        ObjectNode body = JSON.createObjectNode().put("code", 200).put("msg", "操作成功").put("success", true);
        body.set("params", params);
        return answer(body);
    }

    private boolean tokenOk(SimRequest request) {
        Instant until = tokens.get(request.headers().getOrDefault("token", ""));
        return until != null && clock.instant().isBefore(until);
    }

    private SimAnswer challenge(SimRequest request) {
        if (!tokenOk(request)) {
            return expired();
        }
        int a = ThreadLocalRandom.current().nextInt(1, 50);
        int b = ThreadLocalRandom.current().nextInt(1, 50);
        String uuid = UUID.randomUUID().toString();
        captchas.put(uuid, a + b);
        ObjectNode body = JSON.createObjectNode().put("code", 200);
        body.set("params", JSON.createObjectNode().put("uuid", uuid).put("question", a + "+" + b));
        return answer(body);
    }

    private SimAnswer check(SimRequest request) {
        JsonNode body = JSON.readTree(request.body());
        Integer expected = captchas.remove(body.path("key").asString(""));
        if (expected == null || !String.valueOf(expected).equals(body.path("value").asString(""))) {
            return answer(JSON.createObjectNode().put("code", 500).put("msg", "验证失败"));
        }
        String sign = UUID.randomUUID().toString();
        signs.put(sign, true);
        return answer(JSON.createObjectNode().put("code", 200).put("params", sign));
    }

    private SimAnswer query(SimRequest request) {
        if (!tokenOk(request)) {
            return expired();
        }
        if (signs.remove(request.headers().getOrDefault("sign", "")) == null) {
            return answer(JSON.createObjectNode().put("code", 500).put("msg", "验证码校验失败"));
        }
        String domain = JSON.readTree(request.body()).path("unitName").asString("").toLowerCase();
        Map<String, String> record = records.get(domain);
        ObjectNode params = JSON.createObjectNode().put("total", record == null ? 0 : 1);
        var list = params.putArray("list");
        if (record != null) {
            ObjectNode item = list.addObject();
            record.forEach(item::put);
        }
        ObjectNode body = JSON.createObjectNode().put("code", 200).put("msg", "操作成功");
        body.set("params", params);
        return answer(body);
    }

    private static SimAnswer expired() {
        return answer(JSON.createObjectNode().put("code", 401).put("msg", "token过期"));
    }

    private static SimAnswer answer(ObjectNode body) {
        return SimAnswer.json(body.toString());
    }

    static String md5(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A footer that shows {@code number}, for the simulated home pages. */
    public static String footer(String number) {
        return number == null ? "" : "<footer><a href=\"https://beian.miit.gov.cn/\" target=\"_blank\">" + number
                + "</a></footer>";
    }

    @Override
    public void close() {
        server.stop();
    }

    List<String> domains() {
        return List.copyOf(records.keySet());
    }
}
