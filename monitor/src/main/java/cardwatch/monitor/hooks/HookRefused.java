package cardwatch.monitor.hooks;

import java.io.IOException;

/**
 * A receiver that answered with a 4xx other than 429, or a robot that answered HTTP 200 with a code of refusal: it
 * read our request and will not take it (a revoked robot, a deleted channel, a wrong token or signature). Retried
 * like any failure, but a refusal that lasts is dead-lettered.
 */
public final class HookRefused extends IOException {

    private final int status;

    public HookRefused(String channel, int status) {
        super(channel + " refused the message: HTTP " + status);
        this.status = status;
    }

    /** A robot's refusal inside an HTTP 200 answer: {@code what} is its code field and value. */
    public HookRefused(String channel, String what) {
        super(channel + " refused the message: " + what);
        this.status = 200;
    }

    public int status() {
        return status;
    }

    /** Whether an HTTP status is a refusal: a 4xx, except 429 (too many requests: come back later). */
    public static boolean refusal(int status) {
        return status >= 400 && status < 500 && status != 429;
    }
}
