package cardwatch.probes.http;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import okhttp3.Call;
import okhttp3.Connection;
import okhttp3.EventListener;
import okhttp3.FormBody;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.BufferedSource;

/**
 * The probes' HTTP client, on OkHttp: timeouts on connect, read and the whole call, a cap on the answer's
 * size, redirects followed only within the same host, and no silent retries (a retried POST could be a
 * second purchase). Failures come back as {@link TransportException} with a {@link TransportException.Kind}.
 */
public final class HttpTransport {

    /** Bytes kept as they came: ISO-8859-1 maps each byte to one char and back. */
    private static final Charset RAW = StandardCharsets.ISO_8859_1;
    private static final String USER_AGENT = "Cardwatch/0.1 (+https://github.com/cardwatch)";

    /** What browsers send; some gateways answer 404 to a request without it (Rainbow epay's txprotect.php). */
    private static final String ACCEPT = "text/html,application/xhtml+xml,application/json;q=0.9,*/*;q=0.8";

    private final OkHttpClient client;
    private final HttpLimits limits;
    private final Contacts contacts;
    /** The cookies of a {@link #session()}; {@code null} for the shared client, which keeps none. */
    private final java.net.CookieManager cookies;

    public HttpTransport(HttpLimits limits) {
        this(new OkHttpClient.Builder(), limits);
    }

    /** Builds on a caller's OkHttp builder (its trust settings, say); the limits and redirect rules win. */
    public HttpTransport(OkHttpClient.Builder builder, HttpLimits limits) {
        this(builder, limits, Contacts.NONE);
    }

    /** As above, telling {@code contacts} of every host reached and every answer. */
    public HttpTransport(OkHttpClient.Builder builder, HttpLimits limits, Contacts contacts) {
        this.limits = limits;
        this.contacts = contacts;
        this.cookies = null;
        this.client = builder
                .connectTimeout(limits.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(limits.readTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .writeTimeout(limits.readTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .callTimeout(limits.callTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .followRedirects(false)
                .followSslRedirects(false)
                .retryOnConnectionFailure(false)
                .eventListenerFactory(this::listenerFor)
                .build();
    }

    private HttpTransport(OkHttpClient client, HttpLimits limits, Contacts contacts, java.net.CookieManager cookies) {
        this.client = client;
        this.limits = limits;
        this.contacts = contacts;
        this.cookies = cookies;
    }

    public HttpLimits limits() {
        return limits;
    }

    /**
     * A client that keeps cookies, as a browser does within one visit (a store's session, a CSRF token bound to it):
     * the same connections, limits and rules, with a cookie store of its own. The shared client keeps none.
     */
    public HttpTransport session() {
        java.net.CookieManager manager = new java.net.CookieManager(null, java.net.CookiePolicy.ACCEPT_ORIGINAL_SERVER);
        return new HttpTransport(client.newBuilder().cookieJar(new okhttp3.java.net.cookiejar.JavaNetCookieJar(manager))
                .build(), limits, contacts, manager);
    }

    /** A cookie this session holds for {@code url}, if any (never for the shared client). */
    public java.util.Optional<String> cookie(URI url, String name) {
        if (cookies == null) {
            return java.util.Optional.empty();
        }
        return cookies.getCookieStore().get(url).stream().filter(c -> c.getName().equals(name) && !c.hasExpired())
                .map(java.net.HttpCookie::getValue).findFirst();
    }

    /** Sets a cookie for {@code url}'s host, path {@code /} (a session given in the configuration, say). */
    public void setCookie(URI url, String name, String value) {
        if (cookies == null) {
            throw new IllegalStateException("the shared client keeps no cookies: use session()");
        }
        java.net.HttpCookie cookie = new java.net.HttpCookie(name, value);
        cookie.setPath("/");
        cookie.setVersion(0);
        cookie.setDomain(url.getHost());
        cookies.getCookieStore().add(URI.create(url.getScheme() + "://" + url.getAuthority() + "/"), cookie);
    }

    /** Forgets every cookie of this session. */
    public void clearCookies() {
        if (cookies != null) {
            cookies.getCookieStore().removeAll();
        }
    }

    /** POSTs a form (UTF-8) and reads the answer. */
    public HttpAnswer postForm(URI url, Map<String, String> form) throws TransportException {
        return postForm(url, form, StandardCharsets.UTF_8);
    }

    /**
     * POSTs a form encoded in {@code charset} and reads the answer; an answer that declares no charset is read in
     * the same one (GBK peers rarely declare theirs), or, for UTF-8, as UTF-8 when it is valid and GB18030 when not.
     */
    public HttpAnswer postForm(URI url, Map<String, String> form, Charset charset) throws TransportException {
        return postForm(url, form, charset, Map.of());
    }

    /** POSTs a form (UTF-8) with extra headers (a {@code Referer} a store checks, say). */
    public HttpAnswer postForm(URI url, Map<String, String> form, Map<String, String> headers)
            throws TransportException {
        return postForm(url, form, StandardCharsets.UTF_8, headers);
    }

    private HttpAnswer postForm(URI url, Map<String, String> form, Charset charset, Map<String, String> headers)
            throws TransportException {
        FormBody.Builder body = new FormBody.Builder(charset);
        form.forEach(body::add);
        Request.Builder request = base(url).post(body.build());
        headers.forEach(request::header);
        return execute(request.build(), charset);
    }

    /** The start of every request: the URL, our User-Agent and a browser's Accept. */
    private static Request.Builder base(URI url) {
        Parsed parsed = parsed(url);
        return new Request.Builder().url(parsed.url()).tag(Parsed.class, parsed).header("User-Agent", USER_AGENT)
                .header("Accept", ACCEPT);
    }

    /** POSTs a JSON body and reads the answer. */
    public HttpAnswer postJson(URI url, String json, Map<String, String> headers) throws TransportException {
        Request.Builder request = base(url)
                .post(okhttp3.RequestBody.create(json, MediaType.get("application/json; charset=utf-8")));
        headers.forEach(request::header);
        return execute(request.build(), StandardCharsets.UTF_8);
    }

    /** A GET whose body is kept as bytes, to be decoded by whoever knows the page's ways (see its charset). */
    public record Raw(int status, String contentType, byte[] body) {
    }

    public Raw getBytes(URI url) throws TransportException {
        Request request = base(url).get().build();
        HttpAnswer answer = execute(request, RAW);
        return new Raw(answer.status(), answer.contentType(), answer.body().getBytes(StandardCharsets.ISO_8859_1));
    }

    /** GETs with extra headers (an API token, say). */
    public HttpAnswer get(URI url, Map<String, String> headers) throws TransportException {
        Request.Builder request = base(url).get();
        headers.forEach(request::header);
        return execute(request.build(), StandardCharsets.UTF_8);
    }

    public HttpAnswer get(URI url) throws TransportException {
        return execute(base(url).get().build(), StandardCharsets.UTF_8);
    }

    /**
     * A GET whose redirects are followed to {@code allowedHosts} only (a store handing a buyer to its gateway); a
     * redirect anywhere else throws {@link TransportException.Kind#REDIRECT_REFUSED} naming the host.
     */
    public HttpAnswer get(URI url, java.util.Set<String> allowedHosts, Map<String, String> headers)
            throws TransportException {
        Request.Builder request = base(url).get();
        headers.forEach(request::header);
        return execute(request.build(), StandardCharsets.UTF_8, allowedHosts, new java.util.ArrayList<>());
    }

    /**
     * An answer with the time its phases took and the server's certificate.
     *
     * @param phases               dns, connect, tls, first_byte, transfer (summed over redirects)
     * @param certificateNotAfter  the leaf certificate's expiry, for HTTPS
     */
    public record Timed(HttpAnswer answer, Map<String, java.time.Duration> phases,
            java.time.Instant certificateNotAfter) {
    }

    /**
     * A timed GET that follows redirects only to {@code allowedHosts}: the availability probe's request. Each one
     * dials afresh ({@code Connection: close}), so its dns, connect and tls phases are measured every time and a
     * connection the server dropped meanwhile is never mistaken for an outage. A timeout or failure still throws.
     */
    public Timed timedGet(URI url, java.util.Set<String> allowedHosts) throws TransportException {
        java.util.List<Trace> traces = new java.util.ArrayList<>();
        HttpAnswer answer = execute(base(url).header("Connection", "close").get().build(), StandardCharsets.UTF_8,
                allowedHosts, traces);
        Map<String, java.time.Duration> phases = new java.util.LinkedHashMap<>();
        for (String phase : Trace.PHASES) {
            long nanos = 0;
            for (Trace trace : traces) {
                nanos += trace.nanos(phase);
            }
            phases.put(phase, java.time.Duration.ofNanos(nanos));
        }
        Trace last = traces.get(traces.size() - 1);
        return new Timed(answer, phases, last.notAfter);
    }

    private HttpAnswer execute(Request first, Charset fallback) throws TransportException {
        return execute(first, fallback, null, new java.util.ArrayList<>());
    }

    private HttpAnswer execute(Request first, Charset fallback, java.util.Set<String> allowedHosts,
            java.util.List<Trace> traces) throws TransportException {
        Request request = first;
        for (int hop = 0; ; hop++) {
            Trace trace = new Trace();
            traces.add(trace);
            Call call = client.newCall(request.newBuilder().tag(Trace.class, trace).build());
            try (Response response = call.execute()) {
                if (response.isRedirect() && hop < limits.maxRedirects()) {
                    request = redirect(request, response, allowedHosts);
                    continue;
                }
                if (response.handshake() != null && !response.handshake().peerCertificates().isEmpty()
                        && response.handshake().peerCertificates().get(0)
                        instanceof java.security.cert.X509Certificate leaf) {
                    trace.notAfter = leaf.getNotAfter().toInstant();
                }
                String body = read(response.body(), fallback);
                trace.bodyRead = System.nanoTime();
                Parsed asked = request.tag(Parsed.class);
                return new HttpAnswer(response.code(), response.header("Content-Type", ""), body,
                        asked != null && asked.url() == request.url() ? asked.uri() : request.url().uri());
            } catch (TransportException e) {
                throw e;
            } catch (IOException e) {
                throw classify(e, trace.connected);
            }
        }
    }

    private EventListener listenerFor(Call call) {
        Trace trace = call.request().tag(Trace.class);
        String authority = Contacts.authority(call.request().url());
        return trace == null ? EventListener.NONE : new EventListener() {
            @Override
            public void callStart(Call c) {
                trace.start = System.nanoTime();
            }

            @Override
            public void dnsStart(Call c, String domainName) {
                trace.dnsStart = System.nanoTime();
            }

            @Override
            public void dnsEnd(Call c, String domainName, java.util.List<java.net.InetAddress> addresses) {
                trace.dnsEnd = System.nanoTime();
            }

            @Override
            public void connectStart(Call c, java.net.InetSocketAddress address, java.net.Proxy proxy) {
                trace.connectStart = System.nanoTime();
            }

            @Override
            public void secureConnectStart(Call c) {
                trace.tlsStart = System.nanoTime();
                contacts.reached(authority);
            }

            @Override
            public void secureConnectEnd(Call c, okhttp3.Handshake handshake) {
                trace.tlsEnd = System.nanoTime();
            }

            @Override
            public void connectEnd(Call c, java.net.InetSocketAddress address, java.net.Proxy proxy,
                    okhttp3.Protocol protocol) {
                trace.connectEnd = System.nanoTime();
            }

            @Override
            public void connectionAcquired(Call c, Connection connection) {
                trace.connected = true;
                trace.acquired = System.nanoTime();
                contacts.reached(authority);
            }

            @Override
            public void responseHeadersStart(Call c) {
                trace.firstByte = System.nanoTime();
                contacts.answered(authority);
            }
        };
    }

    private Request redirect(Request request, Response response, java.util.Set<String> allowedHosts)
            throws TransportException {
        String location = response.header("Location");
        HttpUrl target = location == null ? null : request.url().resolve(location);
        if (target == null) {
            throw new TransportException(TransportException.Kind.REDIRECT_REFUSED,
                    "redirect " + response.code() + " without a usable Location", null);
        }
        boolean allowed = allowedHosts == null ? target.host().equalsIgnoreCase(request.url().host())
                : allowedHosts.stream().anyMatch(h -> h.equalsIgnoreCase(target.host()));
        if (!allowed) {
            throw new TransportException(TransportException.Kind.REDIRECT_REFUSED,
                    "redirect to another host (" + target.host() + ") is never followed", null, target.uri());
        }
        boolean keepMethod = response.code() == 307 || response.code() == 308;
        Request.Builder next = request.newBuilder().url(target);
        return keepMethod ? next.build() : next.get().build();
    }

    private String read(ResponseBody body, Charset fallback) throws IOException {
        BufferedSource source = body.source();
        long cap = limits.maxBodyBytes();
        if (source.request(cap + 1)) {
            throw new TransportException(TransportException.Kind.TOO_LARGE,
                    "answer larger than " + cap + " bytes", null);
        }
        if (fallback == RAW) {
            return source.getBuffer().readString(RAW);
        }
        MediaType type = body.contentType();
        return TextDecoding.decode(source.getBuffer().readByteArray(), type == null ? null : type.charset(null),
                fallback);
    }

    private static TransportException classify(IOException e, boolean connected) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        TransportException.Kind kind;
        if (e instanceof UnknownHostException) {
            kind = TransportException.Kind.DNS;
        } else if (e instanceof NoRouteToHostException) {
            kind = TransportException.Kind.UNREACHABLE;
        } else if (e instanceof SSLException) {
            kind = TransportException.Kind.TLS;
        } else if (e instanceof ConnectException) {
            kind = TransportException.Kind.CONNECTION_REFUSED;
        } else if (e instanceof SocketTimeoutException || e instanceof InterruptedIOException) {
            kind = connected ? TransportException.Kind.READ_TIMEOUT : TransportException.Kind.CONNECT_TIMEOUT;
        } else {
            kind = connected ? TransportException.Kind.CONNECTION_BROKEN : TransportException.Kind.CONNECTION_REFUSED;
        }
        return new TransportException(kind, message, e);
    }

    /**
     * URLs parsed for OkHttp, by the identity of the URI: a platform's URIs are read once from its settings and used
     * every run, and parsing one (its host through the IDNA tables) cost as much as a fifth of a storefront check's
     * own CPU. Held weakly: a URI built for one order leaves with it.
     */
    private static final com.github.benmanes.caffeine.cache.Cache<URI, Parsed> PARSED =
            com.github.benmanes.caffeine.cache.Caffeine.newBuilder().weakKeys().maximumSize(100_000).build();

    /**
     * A URI as OkHttp parsed it, and that parse's own URI form, which an answer names when no redirect was followed:
     * OkHttp builds it by encoding and parsing the URL again, which was about 7 % of the storefront checks' threads.
     */
    private record Parsed(HttpUrl url, URI uri) {
    }

    private static Parsed parsed(URI url) {
        Parsed parsed = PARSED.get(url, key -> {
            HttpUrl http = HttpUrl.parse(key.toString());
            return http == null ? null : new Parsed(http, http.uri());
        });
        if (parsed == null) {
            throw new IllegalArgumentException("not an http(s) URL: " + url);
        }
        return parsed;
    }

    /**
     * One hop's story: whether it got as far as a connection (a timeout before that means nothing was sent), and
     * when each phase started and ended (System.nanoTime, 0 when the phase did not happen, e.g. on a reused
     * connection).
     */
    private static final class Trace {
        static final java.util.List<String> PHASES = java.util.List.of("dns", "connect", "tls", "first_byte",
                "transfer");

        private volatile boolean connected;
        private volatile long start;
        private volatile long dnsStart;
        private volatile long dnsEnd;
        private volatile long connectStart;
        private volatile long tlsStart;
        private volatile long tlsEnd;
        private volatile long connectEnd;
        private volatile long acquired;
        private volatile long firstByte;
        private volatile long bodyRead;
        private volatile java.time.Instant notAfter;

        long nanos(String phase) {
            return switch (phase) {
                case "dns" -> span(dnsStart, dnsEnd);
                case "connect" -> span(connectStart, connectEnd) - span(tlsStart, tlsEnd);
                case "tls" -> span(tlsStart, tlsEnd);
                case "first_byte" -> span(acquired, firstByte);
                default -> span(firstByte, bodyRead);
            };
        }

        private static long span(long from, long to) {
            return from > 0 && to >= from ? to - from : 0;
        }
    }
}
