package cardwatch.monitor.purchase;

import cardwatch.monitor.platform.Platform;
import cardwatch.monitor.platform.PlatformCatalog;
import cardwatch.monitor.system.LogText;
import cardwatch.monitor.system.ProbeRegistry;
import cardwatch.probes.http.TextDecoding;
import cardwatch.probes.purchase.Notify;
import cardwatch.probes.purchase.NotifyInbox;
import cardwatch.probes.purchase.PurchaseProtocol;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;

/**
 * Receives platforms' async notifies (form POST, or GET for gateways that notify that way). A notify is checked
 * by the platform's protocol; a good one is handed to the waiting run and acknowledged in the protocol's own words
 * ({@code success}). Anyone can post here, so one whose signature does not verify, or that is no notify at all, is
 * refused with 400 and never reaches a run: it changes no row and no verdict, and is counted and logged (once a
 * minute per platform, request values escaped).
 */
@RestController
class NotifyController {

    static final String PATH = "/callbacks/{platform}/notify";
    private static final int MAX_BODY = 64 * 1024;
    private static final Logger log = LoggerFactory.getLogger(NotifyController.class);

    private final PlatformCatalog catalog;
    private final ProbeRegistry registry;
    private final NotifyInbox inbox;
    private final NotifyRefusals refusals;
    private final NotifyStore store;

    NotifyController(PlatformCatalog catalog, ProbeRegistry registry, NotifyInbox inbox, NotifyRefusals refusals,
            NotifyStore store) {
        this.store = store;
        this.catalog = catalog;
        this.registry = registry;
        this.inbox = inbox;
        this.refusals = refusals;
    }

    @RequestMapping(path = PATH, method = {RequestMethod.POST, RequestMethod.GET},
            produces = MediaType.TEXT_PLAIN_VALUE)
    ResponseEntity<String> notify(@PathVariable("platform") String platformId, HttpServletRequest request)
            throws IOException {
        Optional<Platform> platform = catalog.find(platformId);
        if (platform.isEmpty()) {
            refusals.refused(platformId, "unknown_platform", "no platform '" + LogText.quote(platformId) + "'");
            return ResponseEntity.status(404).body("unknown platform");
        }
        PurchaseProtocol protocol = registry.protocols().get(platform.get().protocol());
        Map<String, String> form = parameters(request, protocol.notifyCharset());
        Notify notify = protocol.parseNotify(catalog.settings(platform.get()), form);
        if (notify == null) {
            refusals.refused(platformId, "malformed", "not a " + protocol.name() + " notify");
            return ResponseEntity.badRequest().body("fail");
        }
        if (!notify.signatureValid()) {
            refusals.refused(platformId, "bad_signature", "order " + LogText.quote(notify.clientOrderId())
                    + ": its signature does not verify");
            return ResponseEntity.badRequest().body("fail");
        }
        boolean waiting = inbox.deliver(notify);
        if (!waiting) { // another instance's run, or one about to be taken over: kept for it
            store.record(platformId, notify);
        }
        log.debug("notify for platform {} order {}: {} (run waiting: {})", platformId,
                LogText.quote(notify.clientOrderId()), notify.status().state(), waiting);
        return ResponseEntity.ok(protocol.notifyAcknowledgement());
    }

    /**
     * The notify's parameters, decoded here rather than by the container: the charset the request declares, else
     * the protocol's own (GBK peers rarely declare theirs), else UTF-8 when the bytes are valid UTF-8 and GB18030 when
     * not; never a forced UTF-8.
     */
    static Map<String, String> parameters(HttpServletRequest request, Charset protocolCharset) throws IOException {
        Charset declared = null;
        String type = request.getContentType();
        if (type != null) {
            try {
                declared = MediaType.parseMediaType(type).getCharset();
            } catch (IllegalArgumentException e) {
                declared = null;
            }
        }
        Map<String, String> form = new LinkedHashMap<>();
        decode(request.getQueryString(), declared, protocolCharset, form);
        if (type != null && type.toLowerCase(Locale.ROOT).startsWith(MediaType.APPLICATION_FORM_URLENCODED_VALUE)) {
            byte[] body = request.getInputStream().readNBytes(MAX_BODY);
            decode(new String(body, StandardCharsets.ISO_8859_1), declared, protocolCharset, form);
        }
        return form;
    }

    private static void decode(String pairs, Charset declared, Charset expected, Map<String, String> into) {
        if (pairs == null || pairs.isEmpty()) {
            return;
        }
        for (String pair : pairs.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            into.putIfAbsent(TextDecoding.decode(percentDecoded(key), declared, expected),
                    TextDecoding.decode(percentDecoded(value), declared, expected));
        }
    }

    /** The bytes behind a form value: %XX as its byte, + as a space; a stray % is kept as it is. */
    static byte[] percentDecoded(String text) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            int hi = i + 2 < text.length() ? Character.digit(text.charAt(i + 1), 16) : -1;
            int lo = i + 2 < text.length() ? Character.digit(text.charAt(i + 2), 16) : -1;
            if (c == '%' && hi >= 0 && lo >= 0) {
                out.write(hi * 16 + lo);
                i += 2;
            } else if (c == '+') {
                out.write(' ');
            } else {
                byte[] raw = String.valueOf(c).getBytes(StandardCharsets.ISO_8859_1);
                out.write(raw, 0, raw.length);
            }
        }
        return out.toByteArray();
    }
}
