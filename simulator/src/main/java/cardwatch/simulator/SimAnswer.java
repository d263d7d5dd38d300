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
record SimAnswer(int status, String body, boolean reset, Duration delay) {

    static SimAnswer json(String body) {
        return new SimAnswer(200, body, false, Duration.ZERO);
    }

    static SimAnswer status(int status, String body) {
        return new SimAnswer(status, body, false, Duration.ZERO);
    }

    static SimAnswer connectionReset() {
        return new SimAnswer(0, "", true, Duration.ZERO);
    }

    SimAnswer delayedBy(Duration by) {
        return new SimAnswer(status, body, reset, delay.plus(by));
    }
}
