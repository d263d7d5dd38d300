package cardwatch.probes.purchase;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import cardwatch.probes.Outcome;
import cardwatch.probes.ProbeResult;
import cardwatch.probes.Reason;
import cardwatch.simulator.Profiles;
import cardwatch.simulator.SimulatedPlatform;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import java.net.ServerSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The cases a profile cannot show: our own mistakes, unknown submits, redirects, huge answers. */
class PurchaseProbeEdgeTest extends BenchTest {

    private WireMockServer platform;
    private WireMockServer otherHost;



    @BeforeEach
    void startPeers() {
        platform = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        platform.start();
        otherHost = new WireMockServer(options().bindAddress("localhost").dynamicPort());
        otherHost.start();
    }

    @AfterEach
    void stopPeers() {
        platform.stop();
        otherHost.stop();
    }

    private String base() {
        return "http://127.0.0.1:" + platform.port() + "/yrapi.php/";
    }

    private static String checkAnswer(String orderId, int state, String kami) {
        return """
                {"errno":0,"errmsg":"查询成功","data":[{"order_number":"P1","out_trade_num":"%s","state":%d,
                "charge_kami":"%s","charge_amount":"1"}]}""".formatted(orderId, state, kami);
    }

    @Test
    void a502OnSubmitIsFollowedByQueriesNeverByASecondSubmit() throws Exception {
        platform.stubFor(post(urlPathEqualTo("/yrapi.php/index/recharge")).willReturn(aResponse().withStatus(502)));
        platform.stubFor(post(urlPathEqualTo("/yrapi.php/index/check"))
                .willReturn(okJson(checkAnswer("CWUNKNOWN1", 1, "KM12345678"))));

        ProbeResult result = bench.run(ProbeBench.platform(base(), ProbeBench.API_KEY), "CWUNKNOWN1");

        assertThat(result.outcome()).as(result.toString()).isEqualTo(Outcome.SUCCESS);
        assertThat(result.platformOrderNo()).isEqualTo("P1");
        platform.verify(1, postRequestedFor(urlPathEqualTo("/yrapi.php/index/recharge")));
    }

    @Test
    void anEmptyAnswerWhoseOrderDoesNotExistIsAnHttpErrorAfterOneSubmit() throws Exception {
        platform.stubFor(post(urlPathEqualTo("/yrapi.php/index/recharge")).willReturn(aResponse().withStatus(200)));
        platform.stubFor(post(urlPathEqualTo("/yrapi.php/index/check"))
                .willReturn(okJson("{\"errno\":0,\"errmsg\":\"查询成功\",\"data\":[]}")));

        ProbeResult result = bench.run(ProbeBench.platform(base(), ProbeBench.API_KEY), "CWEMPTY1");

        assertThat(result.reason()).as(result.toString()).isEqualTo(Reason.HTTP_ERROR);
        assertThat(result.evidence()).contains("empty body").contains("no such order");
        platform.verify(1, postRequestedFor(urlPathEqualTo("/yrapi.php/index/recharge")));
    }

    @Test
    void aResetConnectionOnSubmitIsQueriedAndTheOrderFollowedToItsEnd() throws Exception {
        platform.stubFor(post(urlPathEqualTo("/yrapi.php/index/recharge"))
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        platform.stubFor(post(urlPathEqualTo("/yrapi.php/index/check"))
                .willReturn(okJson(checkAnswer("CWRESET1", 2, ""))));

        ProbeResult result = bench.run(ProbeBench.platform(base(), ProbeBench.API_KEY), "CWRESET1");

        assertThat(result.reason()).as(result.toString()).isEqualTo(Reason.UPSTREAM_FAILED);
        platform.verify(1, postRequestedFor(urlPathEqualTo("/yrapi.php/index/recharge")));
    }

    @Test
    void aGbkRefusalWithoutACharsetIsReadAsChineseAndClassified() throws Exception {
        byte[] gbk = "{\"errno\":1,\"errmsg\":\"商品库存不足\"}".getBytes(java.nio.charset.Charset.forName("GBK"));
        platform.stubFor(post(urlPathEqualTo("/yrapi.php/index/recharge"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(gbk)));

        ProbeResult result = bench.run(ProbeBench.platform(base(), ProbeBench.API_KEY), "CWGBK1");

        assertThat(result.reason()).as(result.toString()).isEqualTo(Reason.OUT_OF_STOCK);
        assertThat(result.evidence()).isEqualTo("商品库存不足");
    }

    @Test
    void aRedirectToAnotherHostIsNeverFollowed() throws Exception {
        platform.stubFor(post(urlPathEqualTo("/yrapi.php/index/recharge")).willReturn(aResponse().withStatus(307)
                .withHeader("Location", "http://localhost:" + otherHost.port() + "/steal")));
        platform.stubFor(post(urlPathEqualTo("/yrapi.php/index/check"))
                .willReturn(okJson("{\"errno\":0,\"errmsg\":\"ok\",\"data\":[]}")));

        ProbeResult result = bench.run(ProbeBench.platform(base(), ProbeBench.API_KEY), "CWREDIRECT1");

        assertThat(result.reason()).as(result.toString()).isEqualTo(Reason.PROTOCOL_ERROR);
        assertThat(result.evidence()).contains("another host");
        assertThat(otherHost.getAllServeEvents()).isEmpty();
    }

    @Test
    void aHugeAnswerIsCutOffAndClassified() throws Exception {
        platform.stubFor(post(urlPathEqualTo("/yrapi.php/index/recharge"))
                .willReturn(okJson("{\"errno\":0,\"errmsg\":\"" + "x".repeat(2_000_000) + "\"}")));
        platform.stubFor(post(urlPathEqualTo("/yrapi.php/index/check"))
                .willReturn(okJson("{\"errno\":0,\"errmsg\":\"ok\",\"data\":[]}")));

        ProbeResult result = bench.run(ProbeBench.platform(base(), ProbeBench.API_KEY), "CWHUGE1");

        assertThat(result.reason()).as(result.toString()).isEqualTo(Reason.PROTOCOL_ERROR);
        assertThat(result.evidence()).contains("larger than");
    }

    @Test
    void aRefusedConnectionIsThePlatformsConnectFailure() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        ProbeResult result = bench.run(ProbeBench.platform("http://127.0.0.1:" + closed + "/yrapi.php/",
                ProbeBench.API_KEY));

        assertThat(result.outcome()).isEqualTo(Outcome.FAILURE);
        assertThat(result.reason()).isEqualTo(Reason.CONNECT_FAILED);
    }

    /** The probe says what failed; whether Cardwatch could reach anything else then is the service's judgement. */
    @Test
    void aNameThatDoesNotResolveIsThePlatformsDnsFailure() throws Exception {
        ProbeResult result = bench.run(ProbeBench.platform("http://no-such-host.invalid/yrapi.php/",
                ProbeBench.API_KEY));

        assertThat(result.outcome()).isEqualTo(Outcome.FAILURE);
        assertThat(result.reason()).isEqualTo(Reason.DNS_FAILED);
    }

    @Test
    void anUnsetCredentialIsOurErrorAndSendsNothing() throws Exception {
        ProbeResult result = bench.run(ProbeBench.platform(base(), null));

        assertThat(result.outcome()).isEqualTo(Outcome.ERROR);
        assertThat(result.reason()).isEqualTo(Reason.CREDENTIALS);
        assertThat(platform.getAllServeEvents()).isEmpty();
    }

    @Test
    void aWrongApiKeyIsOurCredentialsErrorAndTheKeyIsNeverInTheEvidence() throws Exception {
        try (SimulatedPlatform sim = SimulatedPlatform.start("reliable", Profiles.named("reliable"),
                "the-right-key-123", 0, 1)) {
            ProbeResult result = bench.run(ProbeBench.platform(sim.baseUrl(), "the-wrong-key-456"));

            assertThat(result.outcome()).isEqualTo(Outcome.ERROR);
            assertThat(result.reason()).isEqualTo(Reason.CREDENTIALS);
            assertThat(result.evidence()).contains("签名错误").doesNotContain("the-wrong-key-456");
            assertThat(sim.platform().orders()).isEmpty();
        }
    }

    /**
     * A platform that refuses our order id as one it holds already is asked for that order: the run follows it, places
     * no second one, and says so. It is never counted as the platform's payment failure.
     */
    @Test
    void aRepeatedOrderIdIsRefusedByThePlatformThenLookedUpAndNeverChargedTwice() throws Exception {
        try (SimulatedPlatform sim = SimulatedPlatform.start("reliable", Profiles.named("reliable")
                .withDelivery(java.time.Duration.ofMillis(100), 0), ProbeBench.API_KEY, 0, 1)) {
            var platform = ProbeBench.platform(sim.baseUrl(), ProbeBench.API_KEY);
            assertThat(bench.run(platform, "CWTWICE1").outcome()).isEqualTo(Outcome.SUCCESS);

            ProbeResult again = bench.run(platform, "CWTWICE1");

            assertThat(again.outcome()).as(again.toString()).isEqualTo(Outcome.SUCCESS);
            assertThat(again.evidence()).contains("refused our order id as one it holds already")
                    .contains("placed none");
            assertThat(sim.platform().orders()).hasSize(1);
            assertThat(sim.platform().balance()).isEqualByComparingTo("999.02");
        }
    }
}
