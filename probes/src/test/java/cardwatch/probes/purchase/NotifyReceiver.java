package cardwatch.probes.purchase;

import cardwatch.probes.PlatformSettings;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** A real HTTP callback endpoint for probe tests: verifies notifies and hands them to the inbox. */
final class NotifyReceiver implements AutoCloseable {

    private final HttpServer server;
    private volatile PlatformSettings platform;

    NotifyReceiver(PurchaseProtocol protocol, NotifyInbox inbox) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/notify", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Notify notify = protocol.parseNotify(platform, form(body));
            boolean ok = notify != null && notify.signatureValid();
            if (notify != null) {
                inbox.deliver(notify);
            }
            byte[] answer = (ok ? protocol.notifyAcknowledgement() : "fail").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(ok ? 200 : 400, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        });
        server.start();
    }

    void serve(PlatformSettings platform) {
        this.platform = platform;
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/notify");
    }

    private static Map<String, String> form(String body) {
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return form;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
