package cardwatch.probes.http;

/**
 * An HTTP answer whose body was read in full, within the size cap.
 *
 * @param status       HTTP status
 * @param contentType  the Content-Type header, or empty
 * @param body         the body decoded with the declared charset (UTF-8 when none is declared)
 * @param url          where the answer came from, after redirects within the same host
 */
public record HttpAnswer(int status, String contentType, String body, java.net.URI url) {

    public HttpAnswer(int status, String contentType, String body) {
        this(status, contentType, body, null);
    }

    public boolean ok() {
        return status == 200;
    }
}
