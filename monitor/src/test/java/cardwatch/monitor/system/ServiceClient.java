package cardwatch.monitor.system;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A plain HTTP client for tests that talk to the service on its random port, as a user would. */
public final class ServiceClient {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String token;

    public ServiceClient(int port) {
        this("http://localhost:" + port, null);
    }

    private ServiceClient(String base, String token) {
        this.base = base;
        this.token = token;
    }

    /** The same client presenting an API token on every request (unless one names its own Authorization). */
    public ServiceClient withToken(String token) {
        return new ServiceClient(base, token);
    }

    public HttpResponse<String> get(String path) {
        return send(request(path).GET().build());
    }

    /** GET with request headers, given as name, value, name, value... */
    public HttpResponse<String> get(String path, String... headers) {
        HttpRequest.Builder request = request(path);
        if (headers.length > 0) {
            request.headers(headers);
        }
        return send(request.GET().build());
    }

    /** Any method, with a JSON body or none. */
    public HttpResponse<String> send(String method, String path, String json) {
        HttpRequest.Builder request = request(path);
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        return send(request.method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(json)).build());
    }

    /** Any method, with a YAML body. */
    public HttpResponse<String> sendYaml(String method, String path, String yaml) {
        return send(request(path).header("Content-Type", "application/yaml")
                .method(method, HttpRequest.BodyPublishers.ofString(yaml)).build());
    }

    public HttpResponse<String> postForm(String path, String form) {
        return send(request(path).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build());
    }

    /** POSTs a form as if from {@code address}, through a proxy on this host that says so (X-Forwarded-For). */
    public HttpResponse<String> postFormFrom(String address, String path, String form) {
        return send(request(path).header("Content-Type", "application/x-www-form-urlencoded")
                .header("X-Forwarded-For", address).POST(HttpRequest.BodyPublishers.ofString(form)).build());
    }

    /** POSTs JSON, with this Authorization header when {@code authorization} is not null. */
    public HttpResponse<String> postJson(String path, String json, String authorization) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return send(request.build());
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return request;
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(request.uri() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
