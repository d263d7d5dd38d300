package cardwatch.monitor.purchase;

import cardwatch.monitor.system.CardwatchProperties;
import java.net.URI;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.stereotype.Component;

/**
 * The URL a platform notifies for one of our orders: {@code cardwatch.callback-base-url} when set (a public
 * address), otherwise this process's own port on localhost.
 */
@Component
public class CallbackUrls implements ApplicationListener<WebServerInitializedEvent> {

    private final String configured;
    private volatile int port;

    public CallbackUrls(CardwatchProperties properties) {
        this.configured = properties.callbackBaseUrl().replaceAll("/+$", "");
    }

    @Override
    public void onApplicationEvent(WebServerInitializedEvent event) {
        port = event.getWebServer().getPort();
    }

    /** This instance's own address, on localhost. */
    public URI local() {
        return URI.create("http://localhost:" + port);
    }

    public URI base() {
        return URI.create(configured.isEmpty() ? "http://localhost:" + port : configured);
    }

    public URI notifyUrl(String platformId) {
        return URI.create(base() + NotifyController.PATH.replace("{platform}", platformId));
    }
}
