package cardwatch.monitor.purchase;

import cardwatch.monitor.platform.Platform;
import cardwatch.monitor.platform.PlatformCatalog;
import cardwatch.monitor.system.ProbeRegistry;
import cardwatch.probes.purchase.Notify;
import cardwatch.probes.purchase.NotifyInbox;
import cardwatch.probes.purchase.PurchaseProtocol;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Receives platforms' async notifies (form POST, or GET for gateways that notify that way). A notify is checked
 * by the platform's protocol; a good one is acknowledged in the protocol's own words ({@code success}), a bad
 * signature is refused and handed to the waiting run as evidence.
 */
@RestController
class NotifyController {

    static final String PATH = "/callbacks/{platform}/notify";
    private static final Logger log = LoggerFactory.getLogger(NotifyController.class);

    private final PlatformCatalog catalog;
    private final ProbeRegistry registry;
    private final NotifyInbox inbox;

    NotifyController(PlatformCatalog catalog, ProbeRegistry registry, NotifyInbox inbox) {
        this.catalog = catalog;
        this.registry = registry;
        this.inbox = inbox;
    }

    @RequestMapping(path = PATH, method = {RequestMethod.POST, RequestMethod.GET},
            produces = MediaType.TEXT_PLAIN_VALUE)
    ResponseEntity<String> notify(@PathVariable("platform") String platformId,
            @RequestParam MultiValueMap<String, String> params) {
        Optional<Platform> platform = catalog.find(platformId);
        if (platform.isEmpty()) {
            return ResponseEntity.status(404).body("unknown platform");
        }
        PurchaseProtocol protocol = registry.protocols().get(platform.get().protocol());
        Map<String, String> form = new LinkedHashMap<>();
        params.forEach((k, v) -> form.put(k, v.isEmpty() ? "" : v.get(0)));
        Notify notify = protocol.parseNotify(catalog.settings(platform.get()), form);
        if (notify == null) {
            log.warn("notify for platform {} is not a {} notify; refused", platformId, protocol.name());
            return ResponseEntity.badRequest().body("fail");
        }
        boolean waiting = inbox.deliver(notify);
        if (!notify.signatureValid()) {
            log.warn("notify for platform {} order {} has an invalid signature; refused", platformId,
                    notify.clientOrderId());
            return ResponseEntity.badRequest().body("fail");
        }
        log.debug("notify for platform {} order {}: {} (run waiting: {})", platformId, notify.clientOrderId(),
                notify.status().state(), waiting);
        return ResponseEntity.ok(protocol.notifyAcknowledgement());
    }
}
