package cardwatch.monitor.scheduling;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

/**
 * Our order id for a run, derived from the platform, the probe and the trigger's scheduled fire time: two
 * schedulers firing the same trigger derive the same id, and the database's unique key refuses the second.
 * "CW" and 24 upper-case hex digits: short and plain enough for any platform's order-id field.
 */
final class ClientOrderIds {

    private ClientOrderIds() {
    }

    static String derive(String platform, String probe, Instant scheduledFire) {
        String identity = platform + "|" + probe + "|" + scheduledFire.toEpochMilli();
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
            return "CW" + HexFormat.of().withUpperCase().formatHex(digest, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
