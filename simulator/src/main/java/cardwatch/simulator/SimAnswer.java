package cardwatch.simulator;

import java.time.Duration;

/**
 * What a simulated platform answers to one request, before WireMock turns it into HTTP.
 *
 * @param status     HTTP status
 * @param body       body text
 * @param reset      drop the connection instead of answering
 * @param delay      how long to wait before answering
 */
record SimAnswer(int status, String body, boolean reset, Duration delay, String contentType, String location,
        java.util.List<java.util.Map.Entry<String, String>> headers) {

    SimAnswer(int status, String body, boolean reset, Duration delay, String contentType, String location) {
        this(status, body, reset, delay, contentType, location, java.util.List.of());
    }

    SimAnswer(int status, String body, boolean reset, Duration delay) {
        this(status, body, reset, delay, null, null);
    }

    SimAnswer(int status, String body, boolean reset, Duration delay, String contentType) {
        this(status, body, reset, delay, contentType, null);
    }

    /** The same answer with one more header (a {@code Set-Cookie}, say; a name may repeat). */
    SimAnswer withHeader(String name, String value) {
        java.util.List<java.util.Map.Entry<String, String>> more = new java.util.ArrayList<>(headers);
        more.add(java.util.Map.entry(name, value));
        return new SimAnswer(status, body, reset, delay, contentType, location, java.util.List.copyOf(more));
    }

    /** A 302 to {@code location}. */
    static SimAnswer redirect(String location) {
        return new SimAnswer(302, "", false, Duration.ZERO, "text/html; charset=utf-8", location);
    }

    /** Bytes sent as they are (a GBK page), under a Content-Type that need not name their charset. */
    static SimAnswer bytes(byte[] body, String contentType) {
        return new SimAnswer(200, new String(body, java.nio.charset.StandardCharsets.ISO_8859_1), false, Duration.ZERO,
                RAW + contentType, null);
    }

    /** Marks a body whose chars are bytes (ISO-8859-1), to be sent unchanged. */
    static final String RAW = "raw:";

    static SimAnswer html(String body) {
        return new SimAnswer(200, body, false, Duration.ZERO, "text/html; charset=utf-8", null);
    }

    static SimAnswer json(String body) {
        return new SimAnswer(200, body, false, Duration.ZERO);
    }

    static SimAnswer status(int status, String body) {
        return new SimAnswer(status, body, false, Duration.ZERO);
    }

    /** A {@code k=v&k=v} answer in {@code charset}, declared only as text/plain (as GBK peers do). */
    static SimAnswer text(String body, String contentType) {
        return new SimAnswer(200, body, false, Duration.ZERO, contentType);
    }

    static SimAnswer connectionReset() {
        return new SimAnswer(0, "", true, Duration.ZERO);
    }

    /** Hard down: a 503 or a reset connection, half and half. */
    static SimAnswer down() {
        return java.util.concurrent.ThreadLocalRandom.current().nextBoolean()
                ? status(503, "<html><body>503 Service Unavailable</body></html>") : connectionReset();
    }

    /** Overloaded: a 504, after longer than any sane read timeout. */
    static SimAnswer hung(Duration after) {
        return status(504, "<html><body>504 Gateway Time-out</body></html>").delayedBy(after);
    }

    SimAnswer delayedBy(Duration by) {
        return new SimAnswer(status, body, reset, delay.plus(by), contentType, location, headers);
    }
}
