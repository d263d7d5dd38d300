package cardwatch.monitor.network;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import cardwatch.monitor.platform.Platform;
import cardwatch.monitor.platform.PlatformCatalog;
import cardwatch.monitor.platform.Schedule;
import cardwatch.monitor.run.RunStart;
import cardwatch.monitor.system.CardwatchProperties;
import cardwatch.monitor.system.MutableClock;
import cardwatch.probes.Credentials;
import cardwatch.probes.Outcome;
import cardwatch.probes.PlatformSettings;
import cardwatch.probes.ProbeContext;
import cardwatch.probes.ProbeResult;
import cardwatch.probes.Reason;
import cardwatch.probes.availability.AvailabilityProbe;
import cardwatch.probes.http.HttpLimits;
import cardwatch.probes.http.HttpTransport;
import cardwatch.probes.purchase.MemoryNotifyInbox;
import com.github.tomakehurst.wiremock.WireMockServer;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * Whose failure is it, judged on real requests: a platform that cannot be reached while another host answers has
 * failed; when nothing answers, it is our network. No configuration, no internet: the other host is a local server.
 */
class ConnectivityTest {

    private final MutableClock clock = new MutableClock();
    private final Reachability reach = new Reachability(clock);
    private final HttpTransport http = new HttpTransport(new okhttp3.OkHttpClient.Builder(),
            new HttpLimits(Duration.ofMillis(500), Duration.ofMillis(500), Duration.ofSeconds(2), 64 * 1024, 3), reach);
    private WireMockServer other;
    private int closed;

    @BeforeEach
    void start() throws Exception {
        other = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        other.start();
        other.stubFor(any(anyUrl()).willReturn(aResponse().withBody("ok")));
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
    }

    @AfterEach
    void stop() {
        other.stop();
    }

    private static Platform platform(String id, String url) {
        return new Platform(id, id, id, URI.create(url), "yrapi", "1", Map.of(), null,
                Map.of("availability", new Schedule(Duration.ofMinutes(1), null, Duration.ZERO)), java.math.BigDecimal.TEN);
    }

    private Connectivity connectivity(List<Platform> platforms, List<String> references) {
        Map<String, Object> settings = new java.util.HashMap<>();
        for (int i = 0; i < references.size(); i++) {
            settings.put("cardwatch.self-check.references[" + i + "]", references.get(i));
        }
        settings.put("cardwatch.self-check.timeout", "1s");
        CardwatchProperties properties = new Binder(new MapConfigurationPropertySource(settings))
                .bindOrCreate("cardwatch", CardwatchProperties.class);
        return new Connectivity(reach, new SelfCheck(properties), new PlatformCatalog("test", platforms, null), clock);
    }

    /** The storefront check of a platform, run for real. */
    private ProbeResult check(Platform platform) {
        return new AvailabilityProbe().run(new PlatformSettings(platform.id(), platform.baseUrl(), "yrapi", "1",
                new Credentials(Map.of()), null), new ProbeContext(clock, http, new MemoryNotifyInbox(), "CWNET", null));
    }

    private RunStart run(Platform platform) {
        return new RunStart(1, platform.id(), "availability", clock.instant(), clock.instant(), clock.instant(),
                "CWNET");
    }

    private void otherAnswers() throws Exception {
        assertThat(http.get(URI.create(other.baseUrl() + "/")).status()).isEqualTo(200);
    }

    @Test
    void aPlatformThatRefusesConnectionsWhileAnotherHostAnswersHasFailed() throws Exception {
        Platform gone = platform("gone", "http://127.0.0.1:" + closed + "/");
        Connectivity connectivity = connectivity(List.of(gone), List.of());
        RunStart run = run(gone);
        otherAnswers();
        ProbeResult probed = check(gone);

        ProbeResult judged = connectivity.judge(run, probed, clock.instant());

        assertThat(judged.reason()).as(judged.toString()).isEqualTo(Reason.CONNECT_FAILED);
        assertThat(connectivity.degraded()).isFalse();
    }

    @Test
    void aNameThatNoLongerResolvesWhileAnotherHostAnswersIsThePlatformsDnsFailure() throws Exception {
        Platform vanished = platform("vanished", "http://no-such-kameng-shop.invalid/");
        Connectivity connectivity = connectivity(List.of(vanished), List.of());
        RunStart run = run(vanished);
        otherAnswers();

        ProbeResult judged = connectivity.judge(run, check(vanished), clock.instant());

        assertThat(judged.outcome()).isEqualTo(Outcome.FAILURE);
        assertThat(judged.reason()).isEqualTo(Reason.DNS_FAILED);
    }

    @Test
    void whenNothingAnswersTheFailureIsOursAndCardwatchIsDegradedUntilAHostAnswersAgain() throws Exception {
        Platform gone = platform("gone", "http://127.0.0.1:" + closed + "/");
        Connectivity connectivity = connectivity(List.of(gone), List.of());
        otherAnswers();
        int port = other.port();
        other.stop();
        clock.advance(Duration.ofMinutes(5));
        RunStart run = run(gone);

        ProbeResult judged = connectivity.judge(run, check(gone), clock.instant());

        assertThat(judged.outcome()).isEqualTo(Outcome.ERROR);
        assertThat(judged.reason()).isEqualTo(Reason.NETWORK);
        assertThat(judged.evidence()).contains("none of 1 other hosts").contains("connect_failed");
        assertThat(connectivity.degraded()).isTrue();
        assertThat(connectivity.check()).as("still nothing answers").isTrue();

        other = new WireMockServer(options().bindAddress("127.0.0.1").port(port));
        other.start();
        clock.advance(Duration.ofMinutes(1));
        assertThat(connectivity.check()).as("a host answers again").isFalse();
        assertThat(connectivity.degraded()).isFalse();
    }

    @Test
    void withNoOtherHostEverReachedThereIsNoEvidenceAgainstThePlatform() {
        Platform gone = platform("gone", "http://127.0.0.1:" + closed + "/");
        Connectivity connectivity = connectivity(List.of(gone), List.of());

        ProbeResult judged = connectivity.judge(run(gone), check(gone), clock.instant());

        assertThat(judged.reason()).isEqualTo(Reason.CONNECT_FAILED);
    }

    @Test
    void configuredReferencesDecideWhenTheyAreThere() {
        Platform gone = platform("gone", "http://127.0.0.1:" + closed + "/");
        Connectivity silentReferences = connectivity(List.of(gone), List.of("http://127.0.0.1:" + closed + "/ping"));
        assertThat(silentReferences.judge(run(gone), check(gone), clock.instant()).reason()).isEqualTo(Reason.NETWORK);

        Connectivity answeringReferences = connectivity(List.of(gone), List.of(other.baseUrl() + "/generate_204"));
        assertThat(answeringReferences.judge(run(gone), check(gone), clock.instant()).reason())
                .isEqualTo(Reason.CONNECT_FAILED);
    }

    @Test
    void aPlatformThatAnsweredDuringTheRunHasFailedWhateverElseHappened() {
        Platform slow = platform("slow", other.baseUrl() + "/");
        Connectivity connectivity = connectivity(List.of(slow), List.of());
        RunStart run = run(slow);
        check(slow);
        ProbeResult timeout = new ProbeResult(Outcome.FAILURE, Reason.TIMEOUT, java.util.Set.of(), Map.of(), null,
                null, null, "no final state within 600 s");

        assertThat(connectivity.judge(run, timeout, clock.instant()).reason()).isEqualTo(Reason.TIMEOUT);
    }
}
