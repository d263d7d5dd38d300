package cardwatch.monitor.system;

import cardwatch.probes.Probe;
import cardwatch.probes.Probes;
import cardwatch.probes.http.HttpLimits;
import cardwatch.probes.http.HttpTransport;
import cardwatch.probes.purchase.MemoryNotifyInbox;
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

    @Bean
    HttpTransport httpTransport(CardwatchProperties properties) {
        CardwatchProperties.Http http = properties.http();
        return new HttpTransport(new HttpLimits(http.connectTimeout(), http.readTimeout(), http.callTimeout(),
                http.maxBodySize().toBytes(), http.maxRedirects()));
    }

    @Bean
    NotifyInbox notifyInbox() {
        return new MemoryNotifyInbox();
    }
}
