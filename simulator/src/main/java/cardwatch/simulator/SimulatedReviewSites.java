package cardwatch.simulator;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Simulated complaint sources, on one server: a 黑猫投诉-shaped JSON API ({@code /api/complaints}, signed: sha256
 * over the sorted ts, rs, secret and query values) and two HTML review sites with different markup: a GBK forum
 * that declares no charset ({@code /forum/list?page=N}) and a review site whose "next" link never ends
 * ({@code /reviews/N}). They carry what crawlers meet: pagination, an item repeated across pages, an item edited
 * later, {@code <script>}/{@code <iframe>}/{@code onerror=} in bodies, a 429 once, and a robots.txt that forbids a
 * path. Every request is logged with its User-Agent, for tests.
 */
public final class SimulatedReviewSites implements AutoCloseable {

    public static final String SECRET = "heimao-sim-secret";
    static final Charset GBK = Charset.forName("GBK");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** One request as the site saw it. */
    public record Seen(String path, String userAgent, long nanos) {
    }

    private final WireMockServer server;
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final AtomicBoolean edited = new AtomicBoolean();
    private final AtomicBoolean throttleOnce = new AtomicBoolean(true);
    private final AtomicInteger requests = new AtomicInteger();
    /** The complaints' publication times count back from the sites' start: complaint 100N was published N hours before. */
    private final long startedSeconds = java.time.Instant.now().getEpochSecond();

    private SimulatedReviewSites() {
        server = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort()
                .containerThreads(6).jettyAcceptors(1).disableRequestJournal()
                .extensions(new HandlerTransformer(this::handle)));
        server.start();
        SimulatedStore.mappings().forEach(server::addStubMapping);
    }

    public static SimulatedReviewSites start() {
        return new SimulatedReviewSites();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.port() + "/";
    }

    /** Every request so far, oldest first. */
    public List<Seen> seen() {
        return List.copyOf(seen);
    }

    /** The 黑猫 item sn 1003 gets a new summary, as complaint sites let people edit. */
    public void edit() {
        edited.set(true);
    }

    private SimAnswer handle(SimRequest request) {
        requests.incrementAndGet();
        seen.add(new Seen(request.path() + (request.query().isEmpty() ? "" : "?" + request.query()),
                request.headers().getOrDefault("user-agent", ""), System.nanoTime()));
        String path = request.path();
        if (path.equals("/robots.txt")) {
            return SimAnswer.text("User-agent: *\nDisallow: /private/\n", "text/plain");
        }
        if (path.equals("/api/complaints")) {
            return heimao(request);
        }
        if (path.equals("/forum/list")) {
            return forum(Integer.parseInt(request.query().getOrDefault("page", "1")));
        }
        if (path.startsWith("/reviews/")) {
            return reviews(Integer.parseInt(path.substring("/reviews/".length())));
        }
        if (path.startsWith("/private/")) {
            return SimAnswer.html("<div class=\"post\"><h3 class=\"t\">内部</h3></div>");
        }
        return SimAnswer.status(404, "not found");
    }

    private SimAnswer heimao(SimRequest request) {
        Map<String, String> q = request.query();
        Map<String, String> signed = new TreeMap<>();
        signed.put("ts", q.getOrDefault("ts", ""));
        signed.put("rs", q.getOrDefault("rs", ""));
        signed.put("secret", SECRET);
        signed.put("keyword", q.getOrDefault("keyword", ""));
        signed.put("page", q.getOrDefault("page", "1"));
        if (!sha256(String.join("", signed.values().stream().sorted().toList())).equals(q.get("signature"))) {
            return SimAnswer.status(403, "{\"result\":{\"status\":{\"code\":403,\"msg\":\"签名错误\"}}}");
        }
        int page = Integer.parseInt(q.getOrDefault("page", "1"));
        if (page == 2 && throttleOnce.getAndSet(false)) {
            return SimAnswer.status(429, "{\"result\":{\"status\":{\"code\":429,\"msg\":\"访问过于频繁\"}}}");
        }
        List<String[]> all = List.of(
                new String[] {"1001", "充值失败不退款", "稳定卡盟", "退款", "充值100元未到账，客服拒绝退款", "3"},
                new String[] {"1002", "卡密无效", "稳定卡盟", "换卡", "买的卡密提示已被使用", "6"},
                new String[] {"1003", "到账慢", "稳定卡盟", "解释", edited.get() ? "等了两天才到账，已解决" : "等了两天才到账",
                    edited.get() ? "7" : "4"},
                new String[] {"1002", "卡密无效", "稳定卡盟", "换卡", "买的卡密提示已被使用", "6"},
                new String[] {"1004", "<script>alert('x')</script>客服不回复", "稳定卡盟", "处理",
                    "<img src=x onerror=alert(1)>联系不上客服<iframe src=https://evil.example></iframe>", "3"});
        int from = (page - 1) * 2;
        ArrayNode lists = JSON.createArrayNode();
        for (int i = from; i < Math.min(all.size(), from + 2); i++) {
            String[] c = all.get(i);
            ObjectNode main = lists.addObject().putObject("main");
            main.put("sn", c[0]).put("title", c[1]).put("cotitle", c[2]).put("appeal", c[3]).put("summary", c[4])
                    .put("timestamp", startedSeconds - 3600L * (Integer.parseInt(c[0]) - 1000))
                    .put("status", Integer.parseInt(c[5]))
                    .put("url", baseUrl() + "complaint/view/" + c[0]);
        }
        ObjectNode body = JSON.createObjectNode();
        ObjectNode data = body.putObject("result").putObject("data");
        data.set("lists", lists);
        data.putObject("pager").put("current", page).put("page_amount", (all.size() + 1) / 2);
        return SimAnswer.json(body.toString());
    }

    /** GBK, no charset anywhere. */
    private SimAnswer forum(int page) {
        StringBuilder html = new StringBuilder("<html><head><title>卡盟论坛</title></head><body>");
        String[][] posts = page == 1
                ? new String[][] {{"11", "话费没有到账", "付款50元后一直没到账，客服推诿", "老王"},
                    {"12", "重复扣款了", "同一单扣了两次", "小李"}}
                : new String[][] {{"13", "卡盟跑路", "网站关了，充的钱拿不回来<script>steal()</script>", "路人"}};
        for (String[] p : posts) {
            html.append("<div class=\"post\" data-id=\"").append(p[0]).append("\"><h3 class=\"t\">").append(p[1])
                    .append("</h3><div class=\"c\">").append(p[2]).append("</div><span class=\"d\">")
                    .append(p[0].charAt(1)).append("小时前</span><a class=\"u\">").append(p[3])
                    .append("</a><a class=\"l\" href=\"/forum/thread/").append(p[0]).append("\">查看</a></div>");
        }
        if (page == 1) {
            html.append("<a class=\"next\" href=\"/forum/list?page=2\">下一页</a>");
        }
        html.append("</body></html>");
        return SimAnswer.bytes(html.toString().getBytes(GBK), "text/html");
    }

    /** A review site whose next link never ends: every page links to the one after. */
    private SimAnswer reviews(int page) {
        return SimAnswer.html("<html><body><ul><li class=\"review\"><b class=\"who\">用户" + page + "</b>"
                + "<p class=\"text\">第" + page + "页：充值很久才到</p><time>昨天 12:00</time></li></ul>"
                + "<a rel=\"next\" href=\"/reviews/" + (page + 1) + "\">下一页</a></body></html>");
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop();
    }
}
