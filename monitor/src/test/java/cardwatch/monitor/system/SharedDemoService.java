package cardwatch.monitor.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import java.net.http.HttpResponse;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The service as a new user starts it: no platforms file, so the demo's simulated platforms, probed every few
 * seconds, on the embedded database. Every integration test class that extends this one shares one started service
 * (the same configuration is one cached application context), so the demo starts once per test run.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.datasource.url=jdbc:h2:mem:demo-it;DB_CLOSE_DELAY=-1",
        "cardwatch.demo.every=2s",
        "cardwatch.demo.jitter=1s",
        "cardwatch.demo.min-interval=1s",
        "cardwatch.demo.notify-deadline=2500ms",
        "cardwatch.demo.confirm-deadline=4s",
        "cardwatch.reviews.per-host=200ms",
        "cardwatch.site.refresh=2s",
        // as behind a reverse proxy on this host: a test may post as another address (X-Forwarded-For), so that
        // CrowdReportsIT's limits are its own and not every test's that posts from 127.0.0.1
        "server.forward-headers-strategy=native"})
public abstract class SharedDemoService {

    /** Receives the service's alert webhook; it lives as long as the shared service (the test JVM). */
    protected static final WireMockServer HOOK = startHook();

    private static WireMockServer startHook() {
        WireMockServer server = new WireMockServer(WireMockConfiguration.options().dynamicPort());
        server.start();
        server.stubFor(WireMock.post("/alerts").willReturn(WireMock.aResponse().withStatus(204)));
        return server;
    }

    @DynamicPropertySource
    static void hooks(DynamicPropertyRegistry registry) {
        registry.add("cardwatch.hooks.webhook-url", () -> HOOK.baseUrl() + "/alerts");
        registry.add("cardwatch.hooks.webhook-secret", () -> "it-secret");
        registry.add("cardwatch.hooks.relay-token", () -> "relay-token-1");
        TestTokens.register(registry);
    }

    @LocalServerPort
    protected int port;

    protected ServiceClient client() {
        return new ServiceClient(port);
    }

    /** A client presenting the read token (private data), held by {@code it-reader}. */
    protected ServiceClient reader() {
        return client().withToken(TestTokens.READ);
    }

    /** A client presenting the admin token, held by {@code it-admin}. */
    protected ServiceClient admin() {
        return client().withToken(TestTokens.ADMIN);
    }

    protected String metrics() {
        HttpResponse<String> response = client().get("/actuator/prometheus");
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }
}
