package cardwatch.monitor.crowd;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.function.Predicate;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The form's small challenge, no third party involved: a sum of two digits to answer, signed with the shared key so
 * that any instance checks it, good for {@link #VALID} and for one report: a right answer is spent through the given
 * {@code spend}, which the service keeps in the database so that a token spent on one instance is spent on all.
 */
public final class Challenge {

    static final Duration VALID = Duration.ofMinutes(15);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** One challenge: its two digits, and the token that carries them signed. */
    public record Issued(int a, int b, String token) {
    }

    private final byte[] key;
    private final Clock clock;
    private final Predicate<String> spend;

    /** {@code spend}: marks a challenge spent, false when it was already. */
    Challenge(byte[] key, Clock clock, Predicate<String> spend) {
        this.key = key.clone();
        this.clock = clock;
        this.spend = spend;
    }

    Issued issue() {
        int a = 1 + RANDOM.nextInt(9);
        int b = 1 + RANDOM.nextInt(9);
        long nonce = RANDOM.nextLong();
        String body = a + "." + b + "." + clock.millis() + "." + Long.toUnsignedString(nonce, 36);
        return new Issued(a, b, body + "." + sign(body));
    }

    /** Whether {@code answer} answers the challenge of {@code token}, which is spent by a right answer. */
    boolean passes(String token, String answer) {
        if (token == null || answer == null || token.length() > 200) {
            return false;
        }
        int cut = token.lastIndexOf('.');
        if (cut < 0) {
            return false;
        }
        String body = token.substring(0, cut);
        if (!MessageDigest.isEqual(sign(body).getBytes(StandardCharsets.US_ASCII),
                token.substring(cut + 1).getBytes(StandardCharsets.US_ASCII))) {
            return false;
        }
        String[] parts = body.split("\\.");
        try {
            int a = Integer.parseInt(parts[0]);
            int b = Integer.parseInt(parts[1]);
            long issued = Long.parseLong(parts[2]);
            if (clock.millis() - issued > VALID.toMillis() || Integer.parseInt(answer.strip()) != a + b) {
                return false;
            }
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
            return false;
        }
        return spend.test(body);
    }

    private String sign(String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(
                    ("challenge:" + body).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
