package cardwatch.probes.availability;

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
import cardwatch.probes.Reason;
import cardwatch.probes.http.HttpLimits;
import cardwatch.probes.http.HttpTransport;
import cardwatch.probes.purchase.MemoryNotifyInbox;
import com.github.tomakehurst.wiremock.WireMockServer;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The availability probe against real HTTP(S) servers, one failure type per test. */
class AvailabilityProbeTest {

    private static final HttpTransport HTTP = new HttpTransport(new HttpLimits(Duration.ofMillis(500),
            Duration.ofMillis(500), Duration.ofSeconds(2), 64 * 1024, 3));
    private static final String HOME = "<html><body><h1>稳定卡盟</h1><p>自动发货</p></body></html>";

    private WireMockServer site;
    private WireMockServer elsewhere;

    @BeforeEach
    void start() {
        site = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort().dynamicHttpsPort());
        site.start();
        elsewhere = new WireMockServer(options().bindAddress("localhost").dynamicPort());
        elsewhere.start();
    }

    @AfterEach
    void stop() {
        site.stop();
        elsewhere.stop();
    }

    private ProbeResult probe(String url, String keyword, String absent) {
        URI target = URI.create(url);
        AvailabilitySpec spec = new AvailabilitySpec(List.of(target), keyword, absent, Set.of(target.getHost()));
        PlatformSettings platform = new PlatformSettings("shop", target, "yrapi", "1", new Credentials(Map.of()), null,
                null, Map.of(AvailabilitySpec.OPTION, spec));
        return new AvailabilityProbe().run(platform, new ProbeContext(Clock.systemUTC(), HTTP, new MemoryNotifyInbox(),
                "CWAVAIL", null));
    }

    private String http() {
        return "http://127.0.0.1:" + site.port() + "/";
    }

    @Test
    void aHealthyStorefrontSucceedsWithItsPhases() {
        site.stubFor(get(urlPathEqualTo("/")).willReturn(aResponse().withBody(HOME)
                .withHeader("Content-Type", "text/html; charset=utf-8")));

        ProbeResult result = probe(http(), "自动发货", "维护中");

        assertThat(result.outcome()).as(result.toString()).isEqualTo(Outcome.SUCCESS);
        assertThat(result.phases()).containsOnlyKeys("dns", "connect", "tls", "first_byte", "transfer");
        assertThat(result.phases().get("connect")).isPositive();
        assertThat(result.phases().get("tls")).as("plain HTTP").isZero();
        assertThat(result.certificateExpiry()).isNull();
    }

    @Test
    void aRefusedConnectionIsAConnectFailure() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        assertThat(probe("http://127.0.0.1:" + closed + "/", null, null).reason()).isEqualTo(Reason.CONNECT_FAILED);
    }

    @Test
    void aSingleBadAnswerIsTriedAgainAtOnceAndBothTriesAreKept() {
        site.stubFor(get(urlPathEqualTo("/")).inScenario("blip").whenScenarioStateIs(
                        com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED)
                .willReturn(aResponse().withStatus(502)).willSetStateTo("back"));
        site.stubFor(get(urlPathEqualTo("/")).inScenario("blip").whenScenarioStateIs("back")
                .willReturn(aResponse().withBody(HOME)));

        ProbeResult result = probe(http(), "自动发货", null);

        assertThat(result.outcome()).as(result.toString()).isEqualTo(Outcome.SUCCESS);
        assertThat(result.flags()).containsExactly(cardwatch.probes.Flag.RETRIED);
        assertThat(result.evidence()).contains("the first try failed (http_error").contains("HTTP 502");
        assertThat(site.getAllServeEvents()).hasSize(2);
    }

    @Test
    void aCheckThatFailsTwiceFailsAndSaysSo() {
        site.stubFor(get(urlPathEqualTo("/")).willReturn(aResponse().withStatus(503)));

        ProbeResult result = probe(http(), null, null);

        assertThat(result.reason()).isEqualTo(Reason.HTTP_ERROR);
        assertThat(result.flags()).containsExactly(cardwatch.probes.Flag.RETRIED);
        assertThat(result.evidence()).contains("tried twice");
        assertThat(site.getAllServeEvents()).hasSize(2);
    }

    @Test
    void aHealthyCheckIsNotRetried() {
        site.stubFor(get(urlPathEqualTo("/")).willReturn(aResponse().withBody(HOME)));

        ProbeResult result = probe(http(), "自动发货", null);

        assertThat(result.flags()).isEmpty();
        assertThat(site.getAllServeEvents()).hasSize(1);
    }

    @Test
    void aSlowAnswerIsATimeout() {
        site.stubFor(get(urlPathEqualTo("/")).willReturn(aResponse().withBody(HOME).withFixedDelay(2000)));
        assertThat(probe(http(), null, null).reason()).isEqualTo(Reason.TIMEOUT);
    }

    @Test
    void a5xxIsAnHttpError() {
        site.stubFor(get(urlPathEqualTo("/")).willReturn(aResponse().withStatus(503)));
        ProbeResult result = probe(http(), null, null);
        assertThat(result.reason()).isEqualTo(Reason.HTTP_ERROR);
        assertThat(result.evidence()).contains("HTTP 503");
    }

    @Test
    void aMissingKeywordOrAMaintenanceNoticeIsTheWrongPage() {
        site.stubFor(get(urlPathEqualTo("/")).willReturn(aResponse().withBody("<p>系统维护中</p>")));
        assertThat(probe(http(), "自动发货", null).reason()).isEqualTo(Reason.PROTOCOL_ERROR);
        assertThat(probe(http(), null, "维护中").evidence()).contains("shows '维护中'");
    }

    @Test
    void aRedirectToAnotherHostIsNeverFollowedButOneWithinTheDomainIs() {
        site.stubFor(get(urlPathEqualTo("/away")).willReturn(aResponse().withStatus(302)
                .withHeader("Location", "http://localhost:" + elsewhere.port() + "/")));
        site.stubFor(get(urlPathEqualTo("/home")).willReturn(aResponse().withStatus(302).withHeader("Location", "/")));
        site.stubFor(get(urlPathEqualTo("/")).willReturn(aResponse().withBody(HOME)));

        ProbeResult away = probe(http() + "away", null, null);
        assertThat(away.reason()).isEqualTo(Reason.PROTOCOL_ERROR);
        assertThat(away.evidence()).contains("another host");
        assertThat(elsewhere.getAllServeEvents()).isEmpty();

        assertThat(probe(http() + "home", "自动发货", null).outcome()).isEqualTo(Outcome.SUCCESS);
    }

    /** A PKCS12 keystore with one self-signed certificate for localhost, made by the JDK's keytool. */
    private static java.nio.file.Path keystore(java.nio.file.Path dir, String startDate) throws Exception {
        java.nio.file.Path file = dir.resolve("shop-" + System.nanoTime() + ".p12");
        List<String> command = new java.util.ArrayList<>(List.of(
                java.nio.file.Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair",
                "-alias", "shop", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=localhost",
                "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "30", "-storetype", "PKCS12",
                "-keystore", file.toString(), "-storepass", "password", "-keypass", "password"));
        if (startDate != null) {
            command.addAll(List.of("-startdate", startDate));
        }
        Process keytool = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes());
        assertThat(keytool.waitFor()).as(output).isZero();
        return file;
    }

    /** An HTTP client that trusts exactly that certificate: trust is added for it, never switched off. */
    private static HttpTransport trusting(java.nio.file.Path store) throws Exception {
        java.security.KeyStore keys = java.security.KeyStore.getInstance("PKCS12");
        try (var in = java.nio.file.Files.newInputStream(store)) {
            keys.load(in, "password".toCharArray());
        }
        javax.net.ssl.TrustManagerFactory factory = javax.net.ssl.TrustManagerFactory.getInstance(
                javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        factory.init(keys);
        javax.net.ssl.X509TrustManager trust = (javax.net.ssl.X509TrustManager) factory.getTrustManagers()[0];
        javax.net.ssl.SSLContext tls = javax.net.ssl.SSLContext.getInstance("TLS");
        tls.init(null, new javax.net.ssl.TrustManager[] {trust}, null);
        return new HttpTransport(new okhttp3.OkHttpClient.Builder().sslSocketFactory(tls.getSocketFactory(), trust),
                HTTP.limits());
    }

    private static ProbeResult probeWith(HttpTransport http, String url) {
        URI target = URI.create(url);
        AvailabilitySpec spec = new AvailabilitySpec(List.of(target), "自动发货", null, Set.of(target.getHost()));
        PlatformSettings platform = new PlatformSettings("shop", target, "yrapi", "1", new Credentials(Map.of()), null,
                null, Map.of(AvailabilitySpec.OPTION, spec));
        return new AvailabilityProbe().run(platform, new ProbeContext(Clock.systemUTC(), http, new MemoryNotifyInbox(),
                "CWAVAIL", null));
    }

    private static WireMockServer https(java.nio.file.Path store) {
        WireMockServer server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort()
                .dynamicHttpsPort().keystorePath(store.toString()).keystorePassword("password")
                .keyManagerPassword("password").keystoreType("PKCS12"));
        server.start();
        server.stubFor(get(urlPathEqualTo("/")).willReturn(aResponse().withBody(HOME)));
        return server;
    }

    @Test
    void aTrustedCertificateGivesItsExpiry(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path store = keystore(dir, null);
        WireMockServer server = https(store);
        try {
            ProbeResult result = probeWith(trusting(store), "https://localhost:" + server.httpsPort() + "/");

            assertThat(result.outcome()).as(result.toString()).isEqualTo(Outcome.SUCCESS);
            assertThat(result.phases().get("tls")).isPositive();
            assertThat(result.certificateExpiry()).isBetween(java.time.Instant.now().plus(Duration.ofDays(29)),
                    java.time.Instant.now().plus(Duration.ofDays(31)));
        } finally {
            server.stop();
        }
    }

    @Test
    void anExpiredCertificateIsATlsFailureWithItsExpiry(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path store = keystore(dir, "-60d");
        WireMockServer server = https(store);
        try {
            ProbeResult result = probeWith(trusting(store), "https://localhost:" + server.httpsPort() + "/");

            assertThat(result.reason()).as(result.toString()).isEqualTo(Reason.TLS_FAILED);
            assertThat(result.evidence()).contains("expired");
            assertThat(result.certificateExpiry()).isBefore(java.time.Instant.now());
        } finally {
            server.stop();
        }
    }

    @Test
    void aCertificateNobodyVouchesForIsATlsFailure() {
        site.stubFor(get(urlPathEqualTo("/")).willReturn(aResponse().withBody(HOME)));
        ProbeResult result = probe("https://localhost:" + site.httpsPort() + "/", null, null);
        assertThat(result.reason()).isEqualTo(Reason.TLS_FAILED);
        assertThat(result.evidence()).contains("tls");
    }
}
