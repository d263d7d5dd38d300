package cardwatch.monitor.network;

import cardwatch.monitor.system.CardwatchProperties;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Whether Cardwatch itself can reach the outside: it is degraded while every configured reference endpoint fails
 * to answer (any HTTP status is an answer). Without references it is never degraded.
 */
@Component
public class SelfCheck {

    private static final Logger log = LoggerFactory.getLogger(SelfCheck.class);

    private final List<URI> references;
    private final OkHttpClient client;
    private volatile boolean degraded;
    private long lastCheck = System.nanoTime() - RECHECK_NANOS;
    private static final long RECHECK_NANOS = 5_000_000_000L;

    public SelfCheck(CardwatchProperties properties) {
        CardwatchProperties.SelfCheck settings = properties.selfCheck();
        List<String> configured = settings.references() == null ? List.of() : settings.references();
        List<URI> parsed = new java.util.ArrayList<>();
        for (int i = 0; i < configured.size(); i++) {
            okhttp3.HttpUrl url = okhttp3.HttpUrl.parse(configured.get(i).strip());
            if (url == null) {
                throw new IllegalArgumentException("cardwatch.self-check.references[" + i + "]: '" + configured.get(i)
                        + "' is not an absolute http or https URL");
            }
            parsed.add(url.uri());
        }
        this.references = List.copyOf(parsed);
        this.client = new OkHttpClient.Builder().callTimeout(settings.timeout()).followRedirects(false).build();
    }

    public boolean degraded() {
        return degraded;
    }

    /** Checks again unless a check ran in the last five seconds: for a failure that may be our own. */
    public synchronized boolean degradedNow() {
        return System.nanoTime() - lastCheck < RECHECK_NANOS ? degraded : check();
    }

    public boolean configured() {
        return !references.isEmpty();
    }

    /** Checks the references now; true when Cardwatch is degraded. */
    public synchronized boolean check() {
        if (references.isEmpty()) {
            return false;
        }
        lastCheck = System.nanoTime();
        boolean any = references.stream().anyMatch(this::answers);
        if (degraded != !any) {
            if (any) {
                log.info("self-check: a reference endpoint answers again; Cardwatch's connectivity is back");
            } else {
                log.warn("self-check: none of {} reference endpoints answers; Cardwatch's own connectivity is down",
                        references.size());
            }
        }
        degraded = !any;
        return degraded;
    }

    private boolean answers(URI reference) {
        try (Response response = client.newCall(new Request.Builder().url(reference.toString()).head().build())
                .execute()) {
            return response.code() > 0;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
