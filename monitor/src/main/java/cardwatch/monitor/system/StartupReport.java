package cardwatch.monitor.system;

import cardwatch.monitor.access.ApiTokens;
import cardwatch.monitor.platform.PlatformCatalog;
import cardwatch.monitor.purchase.CallbackUrls;
import cardwatch.monitor.purchase.RunLeases;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.stereotype.Component;

/** Tells a new user where to look once the service is up. */
@Component
class StartupReport implements ApplicationListener<ApplicationReadyEvent> {

    private static final Logger log = LoggerFactory.getLogger(StartupReport.class);

    private final PlatformCatalog catalog;
    private final CallbackUrls urls;
    private final ApiTokens tokens;
    private final RunLeases leases;

    StartupReport(PlatformCatalog catalog, CallbackUrls urls, ApiTokens tokens, RunLeases leases) {
        this.leases = leases;
        this.catalog = catalog;
        this.urls = urls;
        this.tokens = tokens;
    }

    @Override
    public void onApplicationEvent(ApplicationReadyEvent event) {
        String base = urls.local().toString(); // this instance's; platforms may notify another address
        String callbacks = urls.base().toString();
        StringBuilder text = new StringBuilder("\n\nCardwatch is running with ").append(catalog.all().size())
                .append(" platforms from ").append(catalog.source()).append('\n')
                .append("  public page    ").append(base).append("/\n")
                .append("  platforms API  ").append(base).append("/api/v1/platforms\n")
                .append("  metrics        ").append(base).append("/actuator/prometheus\n")
                .append("  health         ").append(base).append("/actuator/health\n")
                .append("  private API    ").append(base).append("/api/v1/ledger (")
                .append(tokens.count() == 0 ? "no API token yet: `token read <name>`, README: Private data"
                        : tokens.count() + " API token" + (tokens.count() == 1 ? "" : "s")).append(")\n")
                .append("  instance       ").append(leases.node()).append('\n');
        if (!callbacks.equals(base)) {
            text.append("  notifies to    ").append(callbacks).append("/callbacks/{platform}/notify\n");
        }
        catalog.all().forEach(p -> text.append(String.format("  %-14s %s (%s) at %s%n", p.id(), p.nameZh(),
                p.nameEn(), p.baseUrl())));
        log.info(text.toString());
    }
}
