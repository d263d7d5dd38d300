package cardwatch.probes.purchase;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import cardwatch.probes.Flag;
import cardwatch.probes.Outcome;
import cardwatch.probes.PlatformSettings;
import cardwatch.probes.ProbeContext;
import cardwatch.probes.ProbeResult;
import cardwatch.probes.Probes;
import cardwatch.probes.Reason;
import cardwatch.probes.http.HttpTransport;
import com.github.tomakehurst.wiremock.WireMockServer;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What a notify may and may not decide: an unverified one nothing; a signed one that the query denies is flagged. */
class NotifyEvidenceTest {

    private WireMockServer platform;

    @BeforeEach
    void start() {
        platform = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        platform.start();
        platform.stubFor(post(urlPathEqualTo("/yrapi.php/index/recharge")).willReturn(okJson(
                "{\"errno\":0,\"errmsg\":\"下单成功\",\"data\":{\"order_number\":\"P9\",\"total_price\":\"0.98\"}}")));
    }

    @AfterEach
    void stop() {
        platform.stop();
    }

    private void queryAnswers(String orderId, int state, String kami) {
        platform.stubFor(post(urlPathEqualTo("/yrapi.php/index/check")).willReturn(okJson("""
                {"errno":0,"errmsg":"查询成功","data":[{"order_number":"P9","out_trade_num":"%s","state":%d,
                "charge_kami":"%s","charge_amount":"1"}]}""".formatted(orderId, state, kami))));
    }

    /** An inbox that holds one notify for the order from the moment the run opens it, as if it had raced the answer. */
    private static NotifyInbox holding(Notify notify) {
        MemoryNotifyInbox inbox = new MemoryNotifyInbox();
        return new NotifyInbox() {
            @Override
            public void open(String clientOrderId) {
                inbox.open(clientOrderId);
                inbox.deliver(notify);
            }

            @Override
            public boolean deliver(Notify other) {
                return inbox.deliver(other);
            }

            @Override
            public Optional<Notify> await(String clientOrderId, Duration timeout) throws InterruptedException {
                return inbox.await(clientOrderId, timeout);
            }

            @Override
            public void close(String clientOrderId) {
                inbox.close(clientOrderId);
            }
        };
    }

    private ProbeResult run(String orderId, Notify held) throws InterruptedException {
        PlatformSettings settings = ProbeBench.platform("http://127.0.0.1:" + platform.port() + "/yrapi.php/",
                ProbeBench.API_KEY);
        return new PurchaseProbe(Probes.protocols()).run(settings, new ProbeContext(Clock.systemUTC(),
                new HttpTransport(ProbeBench.LIMITS), holding(held), orderId, null));
    }

    @Test
    void aNotifyWhoseSignatureDoesNotVerifyDecidesNothing() throws Exception {
        queryAnswers("CWFORGED1", 1, "KM12345678");
        Notify forged = new Notify("CWFORGED1", false, new OrderStatus(OrderStatus.State.FAILED, "P9", null, "充值失败",
                null));

        ProbeResult result = run("CWFORGED1", forged);

        assertThat(result.outcome()).as(result.toString()).isEqualTo(Outcome.SUCCESS);
        assertThat(result.flags()).containsExactly(Flag.NOTIFY_MISSING);
        assertThat(result.evidence()).doesNotContain("signature");
    }

    @Test
    void aSignedNotifyThatTheQueryContradictsIsFlaggedAndThePlatformsRecordDecides() throws Exception {
        queryAnswers("CWCONFLICT1", 2, "");
        Notify signed = new Notify("CWCONFLICT1", true, new OrderStatus(OrderStatus.State.SUCCESS, "P9",
                "KM12345678", "充值成功", null));

        ProbeResult result = run("CWCONFLICT1", signed);

        assertThat(result.reason()).as(result.toString()).isEqualTo(Reason.UPSTREAM_FAILED);
        assertThat(result.flags()).contains(Flag.NOTIFY_CONFLICT);
        assertThat(result.evidence()).contains("the signed notify said success").contains("the query failed");
    }

    @Test
    void aSignedNotifyThatTheQueryConfirmsIsNoConflict() throws Exception {
        queryAnswers("CWAGREE1", 1, "KM12345678");
        Notify signed = new Notify("CWAGREE1", true, new OrderStatus(OrderStatus.State.SUCCESS, "P9", "KM12345678",
                "充值成功", null));

        ProbeResult result = run("CWAGREE1", signed);

        assertThat(result.outcome()).isEqualTo(Outcome.SUCCESS);
        assertThat(result.flags()).isEmpty();
    }
}
