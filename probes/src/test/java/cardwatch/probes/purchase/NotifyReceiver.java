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

    private final java.util.Map<String, PurchaseProtocol> protocols;

    NotifyReceiver(java.util.Map<String, PurchaseProtocol> protocols, NotifyInbox inbox) throws IOException {
        this.protocols = protocols;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/notify", exchange -> {
            String type = String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type"));
            java.nio.charset.Charset charset = type.toLowerCase().contains("charset=gbk")
                    ? java.nio.charset.Charset.forName("GBK") : StandardCharsets.UTF_8;
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.ISO_8859_1);
            PurchaseProtocol protocol = protocols.get(platform.protocol());
            Notify notify = protocol.parseNotify(platform, form(body, charset));
            boolean ok = notify != null && notify.signatureValid();
            if (ok) {
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

    private static Map<String, String> form(String body, java.nio.charset.Charset charset) {
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                form.put(URLDecoder.decode(pair.substring(0, eq), charset),
                        URLDecoder.decode(pair.substring(eq + 1), charset));
            }
        }
        return form;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
