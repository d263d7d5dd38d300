package cardwatch.monitor.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import cardwatch.monitor.run.ProbeRun;
import cardwatch.monitor.run.RunRepository;
import cardwatch.monitor.system.ServiceClient;
import cardwatch.monitor.system.SharedDemoService;
import cardwatch.monitor.system.TestTokens;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every endpoint the service maps, walked without a token: the private ones refuse, the public ones answer without
 * an order id, a platform order number, a purchase's raw evidence or a money field. A new endpoint fails
 * {@link #everyEndpointIsClassified} until it is given its class here.
 */
@ExtendWith(OutputCaptureExtension.class)
class PublicSurfaceIT extends SharedDemoService {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** What an endpoint is to a caller without a token. */
    enum Access {
        /** answers anyone, with aggregates and finished-run summaries only */
        PUBLIC,
        /** refuses without the read token (401) */
        PRIVATE,
        /** checks its own credentials (Alertmanager's relay token): refuses without them (401) */
        OWN_TOKEN,
        /** anyone may post, a platform's notify: one that is not signed is refused (400) */
        SIGNED
    }

    /** Every endpoint ("METHOD pattern") with its class and a path to try it at. */
    private static final Map<String, Map.Entry<Access, String>> SURFACE = surface();

    private static Map<String, Map.Entry<Access, String>> surface() {
        Map<String, Map.Entry<Access, String>> s = new TreeMap<>();
        s.put("GET /", Map.entry(Access.PUBLIC, "/"));
        s.put("GET /platforms/{id}", Map.entry(Access.PUBLIC, "/platforms/reliable"));
        s.put("GET /platforms/{id}/now", Map.entry(Access.PUBLIC, "/platforms/reliable/now"));
        s.put("GET /platforms/{id}/report", Map.entry(Access.PUBLIC, "/platforms/reliable/report"));
        // anyone may post a report: one without its fields is refused 400, never 401
        s.put("POST /platforms/{id}/report", Map.entry(Access.PUBLIC, "/platforms/reliable/report"));
        s.put("GET /methodology", Map.entry(Access.PUBLIC, "/methodology"));
        s.put("GET /compare", Map.entry(Access.PUBLIC, "/compare?p=reliable,slow"));
        s.put("GET /incidents", Map.entry(Access.PUBLIC, "/incidents"));
        s.put("GET /feed.atom", Map.entry(Access.PUBLIC, "/feed.atom"));
        s.put("GET /badge/{platform}/grade.svg", Map.entry(Access.PUBLIC, "/badge/reliable/grade.svg"));
        s.put("GET /badge/{platform}/success-7d.svg", Map.entry(Access.PUBLIC, "/badge/reliable/success-7d.svg"));
        s.put("GET /api/v1/platforms", Map.entry(Access.PUBLIC, "/api/v1/platforms"));
        s.put("GET /api/v1/platforms/{id}", Map.entry(Access.PUBLIC, "/api/v1/platforms/reliable"));
        s.put("GET /api/v1/platforms/{id}/runs", Map.entry(Access.PUBLIC, "/api/v1/platforms/reliable/runs?limit=500"));
        s.put("GET /api/v1/platforms/{id}/icp", Map.entry(Access.PUBLIC, "/api/v1/platforms/reliable/icp"));
        s.put("GET /api/v1/platforms/{id}/reviews", Map.entry(Access.PUBLIC, "/api/v1/platforms/reliable/reviews"));
        s.put("GET /api/v1/platforms/{id}/score", Map.entry(Access.PUBLIC, "/api/v1/platforms/reliable/score"));
        s.put("GET /api/v1/score/method", Map.entry(Access.PUBLIC, "/api/v1/score/method"));
        s.put("GET /api/v1/incidents", Map.entry(Access.PUBLIC, "/api/v1/incidents"));
        // the operators' metrics: counts, rates and budget figures, never an order id (README: Private data)
        s.put("GET /actuator/prometheus", Map.entry(Access.PUBLIC, "/actuator/prometheus"));
        s.put("GET /demo/simulator-metrics", Map.entry(Access.PUBLIC, "/demo/simulator-metrics"));
        s.put("GET /v3/api-docs", Map.entry(Access.PUBLIC, "/v3/api-docs"));
        s.put("GET /v3/api-docs.yaml", Map.entry(Access.PUBLIC, "/v3/api-docs.yaml"));
        s.put("GET /error", Map.entry(Access.PUBLIC, "/error"));
        s.put("GET /api/v1/budget", Map.entry(Access.PRIVATE, "/api/v1/budget"));
        s.put("GET /api/v1/ledger", Map.entry(Access.PRIVATE, "/api/v1/ledger"));
        s.put("GET /api/v1/ledger/summary", Map.entry(Access.PRIVATE, "/api/v1/ledger/summary"));
        s.put("GET /api/v1/ledger/export.csv", Map.entry(Access.PRIVATE, "/api/v1/ledger/export.csv"));
        s.put("GET /api/admin/v1/platforms/{id}/runs",
                Map.entry(Access.PRIVATE, "/api/admin/v1/platforms/reliable/runs?limit=500"));
        s.put("POST /api/admin/v1/platforms/{id}/pause",
                Map.entry(Access.PRIVATE, "/api/admin/v1/platforms/no-such-shop/pause"));
        s.put("POST /api/admin/v1/platforms/{id}/resume",
                Map.entry(Access.PRIVATE, "/api/admin/v1/platforms/no-such-shop/resume"));
        s.put("POST /api/admin/v1/platforms/{id}/runs",
                Map.entry(Access.PRIVATE, "/api/admin/v1/platforms/no-such-shop/runs"));
        s.put("POST /api/admin/v1/backup", Map.entry(Access.PRIVATE, "/api/admin/v1/backup"));
        s.put("GET /api/admin/v1/audit", Map.entry(Access.PRIVATE, "/api/admin/v1/audit"));
        s.put("GET /api/admin/v1/reports", Map.entry(Access.PRIVATE, "/api/admin/v1/reports"));
        s.put("POST /api/admin/v1/reports/{id}/hide", Map.entry(Access.PRIVATE, "/api/admin/v1/reports/1/hide"));
        s.put("GET /api/admin/v1/hooks/dead-letters", Map.entry(Access.PRIVATE, "/api/admin/v1/hooks/dead-letters"));
        s.put("POST /api/admin/v1/hooks/dead-letters/{id}/retry", Map.entry(Access.PRIVATE,
                "/api/admin/v1/hooks/dead-letters/1/retry"));
        s.put("DELETE /api/admin/v1/hooks/dead-letters/{id}", Map.entry(Access.PRIVATE,
                "/api/admin/v1/hooks/dead-letters/1"));
        s.put("GET /runbook", Map.entry(Access.PUBLIC, "/runbook"));
        s.put("GET /api/admin/v1/platforms", Map.entry(Access.PRIVATE, "/api/admin/v1/platforms"));
        s.put("POST /api/admin/v1/platforms", Map.entry(Access.PRIVATE, "/api/admin/v1/platforms"));
        s.put("PUT /api/admin/v1/platforms/{id}", Map.entry(Access.PRIVATE, "/api/admin/v1/platforms/reliable"));
        s.put("DELETE /api/admin/v1/platforms/{id}", Map.entry(Access.PRIVATE, "/api/admin/v1/platforms/reliable"));
        s.put("POST /api/admin/v1/platforms/reread", Map.entry(Access.PRIVATE, "/api/admin/v1/platforms/reread"));
        s.put("POST /hooks/alertmanager", Map.entry(Access.OWN_TOKEN, "/hooks/alertmanager"));
        s.put("POST /hooks/heartbeat", Map.entry(Access.OWN_TOKEN, "/hooks/heartbeat"));
        s.put("GET /callbacks/{platform}/notify", Map.entry(Access.SIGNED, "/callbacks/reliable/notify?x=1"));
        s.put("POST /callbacks/{platform}/notify", Map.entry(Access.SIGNED, "/callbacks/reliable/notify"));
        return s;
    }

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    @Autowired
    RunRepository runs;

    @Test
    void everyEndpointIsClassified() {
        Set<String> mapped = new TreeSet<>();
        for (RequestMappingInfo info : mappings.getHandlerMethods().keySet()) {
            Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
            for (String pattern : info.getPatternValues()) {
                for (RequestMethod method : methods.isEmpty() ? Set.of(RequestMethod.GET) : methods) {
                    mapped.add(method + " " + pattern);
                }
            }
        }
        assertThat(mapped).as("every endpoint has its class in this test").isEqualTo(SURFACE.keySet());
    }

    @Test
    void withoutATokenPrivateEndpointsRefuseAndPublicOnesShowNoOrderIdEvidenceOrMoney() {
        // a purchase has finished with an order id, a platform order number and evidence, so there is something to leak
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).until(() ->
                runs.recent("reliable", "purchase", 20).stream().anyMatch(r -> r.endedAt() != null
                        && r.platformOrderNo() != null));
        ServiceClient anyone = client();
        Map<String, String> publicBodies = new TreeMap<>();
        for (Map.Entry<String, Map.Entry<Access, String>> endpoint : SURFACE.entrySet()) {
            String method = endpoint.getKey().substring(0, endpoint.getKey().indexOf(' '));
            Access access = endpoint.getValue().getKey();
            String path = endpoint.getValue().getValue();
            HttpResponse<String> answer = method.equals("GET") ? anyone.get(path)
                    : anyone.send(method, path, "{}");
            switch (access) {
                case PRIVATE -> {
                    assertThat(answer.statusCode()).as(endpoint.getKey()).isEqualTo(401);
                    assertThat(answer.headers().firstValue("Content-Type").orElse(""))
                            .startsWith("application/problem+json");
                    assertThat(answer.body()).as(endpoint.getKey()).contains("Authorization: Bearer")
                            .doesNotContain("CW", "\"amount\"", "\"cap\"");
                }
                case OWN_TOKEN -> assertThat(answer.statusCode()).as(endpoint.getKey()).isEqualTo(401);
                case SIGNED -> assertThat(answer.statusCode()).as(endpoint.getKey()).isEqualTo(400);
                case PUBLIC -> {
                    assertThat(answer.statusCode()).as(endpoint.getKey()).isNotIn(401, 403);
                    publicBodies.put(endpoint.getKey(), answer.body());
                }
            }
        }

        Set<String> secrets = new HashSet<>();
        List<String> evidence = new ArrayList<>();
        for (String platform : List.of("reliable", "slow", "notify-lost", "stuck", "out-of-stock", "risk", "down",
                "malformed", "sup-direct", "acg-shop", "dujiao-shop", "balance-shop", "generic-shop")) {
            for (ProbeRun run : runs.recent(platform, "purchase", 500)) {
                if (run.clientOrderId() != null) {
                    secrets.add(run.clientOrderId());
                }
                if (run.platformOrderNo() != null && run.platformOrderNo().length() >= 6) {
                    secrets.add(run.platformOrderNo());
                }
                if (run.evidence() != null && run.evidence().length() >= 16) {
                    evidence.add(run.evidence());
                }
            }
        }
        assertThat(secrets).hasSizeGreaterThan(10);
        assertThat(evidence).isNotEmpty();
        publicBodies.forEach((endpoint, body) -> {
            assertThat(secrets).as(endpoint + " shows an order id or a platform order number")
                    .noneMatch(body::contains);
            assertThat(evidence).as(endpoint + " shows a purchase's evidence").noneMatch(body::contains);
            if (endpoint.startsWith("GET /api/")) {
                assertThat(body).as(endpoint).doesNotContain("\"clientOrderId\"", "\"platformOrderNo\"",
                        "\"evidence\":\"code", "\"budget\"", "\"remaining\"", "\"used\"");
                if (!endpoint.endsWith("/reviews")) {
                    // a complaint's amount is what its author says they lost, published on a public site: not ours
                    assertThat(body).as(endpoint).doesNotContain("\"amount\"");
                }
            }
        });
    }

    @Test
    void theReadTokenOpensPrivateDataButNoChange(CapturedOutput output) throws Exception {
        ServiceClient reader = reader();
        SURFACE.forEach((endpoint, access) -> {
            if (access.getKey() == Access.PRIVATE && endpoint.startsWith("GET ")) {
                HttpResponse<String> answer = reader.get(access.getValue());
                assertThat(answer.statusCode()).as(endpoint).isEqualTo(200);
                assertThat(answer.headers().firstValue("Cache-Control").orElse("")).contains("no-store");
            }
        });
        JsonNode full = JSON.readTree(reader.get("/api/admin/v1/platforms/reliable/runs?probe=purchase&limit=50")
                .body());
        assertThat(full.valueStream().anyMatch(r -> r.path("clientOrderId").asString("").startsWith("CW"))).isTrue();

        // a change needs the admin role: the read token is refused with 403 and says why
        HttpResponse<String> change = reader.send("POST", "/api/admin/v1/platforms/no-such-shop/pause", null);
        assertThat(change.statusCode()).isEqualTo(403);
        assertThat(change.body()).contains("needs the admin role").contains("token 'it-reader' has the read role");
        // the admin token passes the filter (the platform is unknown, so nothing changes: 404)
        assertThat(client().withToken(TestTokens.ADMIN).send("POST", "/api/admin/v1/platforms/no-such-shop/pause",
                null).statusCode()).isEqualTo(404);

        // a wrong token, a bare one and another scheme are refused as invalid; none reaches the log
        String wrong = "cw_not-a-token-of-this-service-0123456789abcdef";
        for (String header : List.of("Bearer " + wrong, wrong, "Basic " + wrong)) {
            HttpResponse<String> refused = client().get("/api/v1/ledger", "Authorization", header);
            assertThat(refused.statusCode()).as(header).isEqualTo(401);
            assertThat(refused.headers().firstValue("WWW-Authenticate").orElse("")).isEqualTo("Bearer");
        }
        String metrics = metrics();
        assertThat(metrics).containsPattern("cardwatch_api_refused_total\\{reason=\"invalid\"} [3-9]");
        assertThat(metrics).containsPattern("cardwatch_api_refused_total\\{reason=\"forbidden\"} [1-9]");
        assertThat(output.getAll()).contains("private API request refused (invalid)")
                .doesNotContain(wrong, TestTokens.READ, TestTokens.ADMIN);
    }

    @Test
    void theOpenApiDocumentMarksWhichOperationsNeedAToken() {
        JsonNode doc = JSON.readTree(client().get("/v3/api-docs").body());
        assertThat(doc.path("components").path("securitySchemes").path("token").path("scheme").asString())
                .isEqualTo("bearer");
        Map<String, String> marked = new TreeMap<>();
        doc.path("paths").properties().forEach(path -> path.getValue().properties().forEach(operation ->
                marked.put(operation.getKey().toUpperCase() + " " + path.getKey(),
                        operation.getValue().path("security").toString())));
        assertThat(marked).isNotEmpty();
        marked.forEach((operation, security) -> {
            Access access = SURFACE.get(operation) == null ? null : SURFACE.get(operation).getKey();
            assertThat(access).as(operation + " is in the surface").isNotNull();
            assertThat(security).as(operation + "'s security").isEqualTo(switch (access) {
                case PRIVATE -> "[{\"token\":[]}]";
                case OWN_TOKEN -> "[{\"relay\":[]}]";
                default -> "";
            });
        });
        assertThat(marked).containsKeys("GET /api/v1/ledger", "GET /api/v1/budget", "GET /api/v1/platforms");
    }
}
