package cardwatch.monitor.system;

import cardwatch.probes.Probe;
import cardwatch.probes.purchase.PurchaseProtocol;
import java.util.Map;

/**
 * The probes by kind and the purchase protocols by name: plain maps, so an unknown kind or protocol is rejected
 * when the config is read.
 */
public record ProbeRegistry(Map<String, Probe> probes, Map<String, PurchaseProtocol> protocols) {

    public ProbeRegistry {
        probes = Map.copyOf(probes);
        protocols = Map.copyOf(protocols);
    }
}
