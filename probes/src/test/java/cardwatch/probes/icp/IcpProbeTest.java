package cardwatch.probes.icp;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import cardwatch.probes.Credentials;
import cardwatch.probes.Outcome;
import cardwatch.probes.PlatformSettings;
import cardwatch.probes.ProbeContext;
import cardwatch.probes.ProbeResult;
import cardwatch.probes.http.HttpLimits;
import cardwatch.probes.http.HttpTransport;
import cardwatch.probes.purchase.MemoryNotifyInbox;
import cardwatch.simulator.SimulatedIcpRegistry;
import com.github.tomakehurst.wiremock.WireMockServer;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The ICP probe against a real page server and the simulated MIIT registry (and a JSON one). */
class IcpProbeTest {

    private static final HttpTransport HTTP = new HttpTransport(new HttpLimits(Duration.ofMillis(500),
            Duration.ofMillis(800), Duration.ofSeconds(2), 256 * 1024, 3));
    /** Solves the simulated registry's arithmetic captcha. */
    static final MiitRegistry.CaptchaSolver ARITHMETIC = challenge -> {
        String[] parts = challenge.path("question").asString("").split("\\+");
        return parts.length == 2 ? String.valueOf(Integer.parseInt(parts[0]) + Integer.parseInt(parts[1])) : null;
    };

    private WireMockServer site;
    private SimulatedIcpRegistry registry;

    @BeforeEach
    void start() {
        site = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        site.start();
        registry = SimulatedIcpRegistry.start(Clock.systemUTC())
                .record("steady.example", "稳定网络科技有限公司", "企业", "京ICP备16032877号", "京ICP备16032877号-1")
                .record("solo.example", "张三", "个人", "浙ICP备20240012号", "浙ICP备20240012号-1");
    }

    @AfterEach
    void stop() {
        site.stop();
        registry.close();
    }

    private ProbeResult probe(String footer, String domain, IcpRegistry with) throws InterruptedException {
        site.stubFor(get(urlPathEqualTo("/")).willReturn(aResponse()
                .withHeader("Content-Type", "text/html; charset=utf-8")
                .withBody("<html><body><h1>卡盟</h1>" + footer + "</body></html>")));
        URI home = URI.create("http://127.0.0.1:" + site.port() + "/");
        PlatformSettings platform = new PlatformSettings("shop", home, "yrapi", "1", new Credentials(Map.of()), null,
                null, Map.of(IcpSpec.OPTION, new IcpSpec(List.of(home), domain, with)));
        return new IcpProbe().run(platform, new ProbeContext(Clock.systemUTC(), HTTP, new MemoryNotifyInbox(),
                "CWICP", null));
    }

    private MiitRegistry miit() {
        return new MiitRegistry(URI.create(registry.baseUrl()), ARITHMETIC);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            valid, the footer matches the site's record    | 京ICP备16032877号-1  | steady.example | valid          | success
            valid, the main licence without -N             | 京ICP备16032877号    | steady.example | valid          | success
            another domain's number                        | 京ICP备18260547号-1  | steady.example | mismatch       | failure
            no record for the domain                       | 沪ICP备11223344号-1  | fly.example    | not_found      | failure
            no number on the page                          |                      | steady.example | footer_missing | failure
            a province filings never use                   | 贵ICP备16032877号-1  | steady.example | suspicious     | failure
            a placeholder number                           | 京ICP备00000000号    | steady.example | suspicious     | failure
            X where the number should be                   | 京ICP备XXXXXXXX号-1  | steady.example | suspicious     | failure
            an ascending run                               | 京ICP备12345678号    | steady.example | suspicious     | failure
            a licence number of a length never issued      | 京ICP证1000001号     | steady.example | suspicious     | failure
            """)
    void givesTheStatus(String name, String number, String domain, String status, String outcome) throws Exception {
        ProbeResult result = probe(SimulatedIcpRegistry.footer(number), domain, miit());

        assertThat(result.facts()).as(result.toString()).containsEntry("status", status);
        assertThat(result.outcome()).isEqualTo(Outcome.valueOf(outcome.toUpperCase()));
    }

    @Test
    void theRecordAndAPersonalFilingAreKept() throws Exception {
        ProbeResult result = probe(SimulatedIcpRegistry.footer("浙ICP备20240012号-1"), "solo.example", miit());

        assertThat(result.facts()).containsEntry("status", "valid").containsEntry("unit_name", "张三")
                .containsEntry("nature_name", "个人").containsEntry("personal_filing", "true")
                .containsEntry("service_licence", "浙ICP备20240012号-1").containsEntry("number", "浙ICP备20240012号-1");
        assertThat(result.facts().get("footer")).contains("浙ICP备20240012号-1");
    }

    @Test
    void aWafPageIsALookupErrorNeverNotFound() throws Exception {
        registry.waf(true);
        ProbeResult result = probe(SimulatedIcpRegistry.footer("京ICP备16032877号-1"), "steady.example", miit());

        assertThat(result.facts()).containsEntry("status", "lookup_error");
        assertThat(result.outcome()).isEqualTo(Outcome.ERROR);
        assertThat(result.evidence()).contains("当前访问疑似黑客攻击");
    }

    @Test
    void anUnreachableOrSlowRegistryIsALookupError() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        MiitRegistry gone = new MiitRegistry(URI.create("http://127.0.0.1:" + closed + "/"), ARITHMETIC);
        assertThat(probe(SimulatedIcpRegistry.footer("京ICP备16032877号-1"), "steady.example", gone).facts())
                .containsEntry("status", "lookup_error");

        WireMockServer slow = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        slow.start();
        try {
            slow.stubFor(com.github.tomakehurst.wiremock.client.WireMock.any(
                    com.github.tomakehurst.wiremock.client.WireMock.anyUrl()).willReturn(aResponse().withFixedDelay(3000)));
            MiitRegistry sleepy = new MiitRegistry(URI.create(slow.baseUrl() + "/"), ARITHMETIC);
            ProbeResult result = probe(SimulatedIcpRegistry.footer("京ICP备16032877号-1"), "steady.example", sleepy);
            assertThat(result.facts()).containsEntry("status", "lookup_error");
            assertThat(result.evidence()).contains("timeout");
        } finally {
            slow.stop();
        }
    }

    @Test
    void anExpiredTokenIsRefreshedOnceAndTheLookupGoesThrough() throws Exception {
        MiitRegistry miit = miit();
        assertThat(probe(SimulatedIcpRegistry.footer("京ICP备16032877号-1"), "steady.example", miit).facts())
                .containsEntry("status", "valid");
        registry.expireTokens();

        assertThat(probe(SimulatedIcpRegistry.footer("京ICP备16032877号-1"), "steady.example", miit).facts())
                .containsEntry("status", "valid");
        assertThat(registry.auths()).isEqualTo(2);
    }

    @Test
    void answersAreCachedSoTheRegistryIsAskedOnce() throws Exception {
        IcpRegistry cached = new CachedRegistry(miit(), Duration.ofDays(7), 30);
        probe(SimulatedIcpRegistry.footer("京ICP备16032877号-1"), "steady.example", cached);
        registry.waf(true);

        assertThat(probe(SimulatedIcpRegistry.footer("京ICP备16032877号-1"), "steady.example", cached).facts())
                .as("the cached record answers while the registry is walled off").containsEntry("status", "valid");
        assertThat(registry.auths()).isEqualTo(1);
    }

    @Test
    void aJsonRegistryReadsTheRealSamples() throws Exception {
        WireMockServer api = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        api.start();
        try {
            Path samples = Path.of("..", "..", "shared", "fixtures", "real");
            String recorded = Files.exists(samples) ? Files.readString(samples.resolve("icp_query_mi_cn_recorded.json"))
                    : RECORDED;
            String none = Files.exists(samples) ? Files.readString(samples.resolve("icp_query_not_recorded.json"))
                    : "{\"code\":0,\"msg\":\"Success\",\"data\":{\"isRecorded\":false}}";
            api.stubFor(get(urlPathEqualTo("/icp")).withQueryParam("domain",
                    com.github.tomakehurst.wiremock.client.WireMock.equalTo("mi.cn"))
                    .willReturn(aResponse().withBody(recorded)));
            api.stubFor(get(urlPathEqualTo("/icp")).withQueryParam("domain",
                    com.github.tomakehurst.wiremock.client.WireMock.equalTo("nobody.example"))
                    .willReturn(aResponse().withBody(none)));
            JsonRegistry json = new JsonRegistry(api.baseUrl() + "/icp?domain={domain}", Map.of());

            ProbeResult mi = probe(SimulatedIcpRegistry.footer("京ICP备10046444号-9"), "mi.cn", json);
            assertThat(mi.facts()).containsEntry("status", "valid").containsEntry("unit_name", "小米科技有限责任公司")
                    .containsEntry("personal_filing", "false");
            assertThat(probe(SimulatedIcpRegistry.footer("京ICP备10046444号-9"), "nobody.example", json).facts())
                    .containsEntry("status", "not_found");
        } finally {
            api.stop();
        }
    }

    /** The recorded mi.cn answer, for a checkout without the shared samples beside it. */
    private static final String RECORDED = """
            {"code":0,"msg":"Success","data":{"isRecorded":true,"domain":"mi.cn","mainLicence":"京ICP备10046444号",
            "natureName":"企业","serviceLicence":"京ICP备10046444号-9","unitName":"小米科技有限责任公司",
            "updateRecordTime":"2021-08-16 13:55:56"}}""";
}
