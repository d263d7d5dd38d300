package cardwatch.monitor.system;

import cardwatch.probes.Probe;
import cardwatch.probes.Probes;
import cardwatch.probes.http.HttpLimits;
import cardwatch.monitor.network.Reachability;
import cardwatch.monitor.platform.DemoPlatforms;
import cardwatch.probes.http.ExtraTrust;
import cardwatch.probes.http.HttpTransport;
import java.nio.file.Path;
import org.springframework.beans.factory.ObjectProvider;
import cardwatch.probes.purchase.NotifyInbox;
import cardwatch.probes.purchase.PurchaseProtocol;
import java.time.Clock;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The probe library's parts, as beans: the probes, the protocols, the HTTP client, the notify inbox. */
@Configuration(proxyBeanMethods = false)
class ProbeInfrastructure {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    ProbeRegistry probeRegistry() {
        Map<String, PurchaseProtocol> protocols = Probes.protocols();
        Map<String, Probe> probes = Probes.standard(protocols);
        return new ProbeRegistry(probes, protocols);
    }

    /**
     * The probes' HTTP client. Certificates the JVM does not know are trusted only when added explicitly: the
     * operator's {@code cardwatch.http.trust-store}, or the demo's simulated platforms' own certificate.
     */
    @Bean
    HttpTransport httpTransport(CardwatchProperties properties, ObjectProvider<DemoPlatforms> demo,
            Reachability reachability) {
        CardwatchProperties.Http http = properties.http();
        HttpLimits limits = new HttpLimits(http.connectTimeout(), http.readTimeout(), http.callTimeout(),
                http.maxBodySize().toBytes(), http.maxRedirects());
        if (!http.trustStore().isBlank()) {
            return new HttpTransport(ExtraTrust.builder(Path.of(http.trustStore()), http.trustStorePassword()), limits,
                    reachability);
        }
        DemoPlatforms platforms = properties.platformsFile().isBlank() ? demo.getIfAvailable() : null;
        if (platforms != null) {
            return new HttpTransport(ExtraTrust.builder(platforms.trustStore(), platforms.trustStorePassword()),
                    limits, reachability);
        }
        return new HttpTransport(new okhttp3.OkHttpClient.Builder(), limits, reachability);
    }

    @Bean
    NotifyInbox notifyInbox() {
        return new cardwatch.monitor.purchase.WakingInbox();
    }
}
