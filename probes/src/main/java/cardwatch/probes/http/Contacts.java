package cardwatch.probes.http;

/**
 * Who Cardwatch got through to: told for every request, per host and port ({@code host:port}), when a connection
 * to it was set up (TCP, before any TLS) and when it answered (response headers arrived). It is the evidence that
 * tells "the platform is gone" from "our network is down": a platform that cannot be reached while others can has
 * failed; when nothing can be reached, the failure is ours.
 */
public interface Contacts {

    /** Nobody listens. */
    Contacts NONE = new Contacts() {
        @Override
        public void reached(String authority) {
        }

        @Override
        public void answered(String authority) {
        }
    };

    /** A connection to {@code authority} was set up. */
    void reached(String authority);

    /** {@code authority} answered with an HTTP status. */
    void answered(String authority);

    /** {@code host:port} of a URL, the port made explicit; the key contacts are told under. */
    static String authority(okhttp3.HttpUrl url) {
        return url.host() + ":" + url.port();
    }

    /** The same for a {@link java.net.URI}; null when it has no host. */
    static String authority(java.net.URI uri) {
        okhttp3.HttpUrl url = okhttp3.HttpUrl.get(uri);
        return url == null ? null : authority(url);
    }
}
