package cardwatch.probes.purchase.sup;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The SUP-style (Orderstatu_int family) signature: lower-case MD5 over named fields in a fixed order, raw values,
 * with {@code &Password=<key>} last. Answers and callbacks sign
 * {@code Orderid, Chargeid, Orderstatu_int, Errorcode}; requests sign their own fields in the order sent.
 */
public final class SupSigner {

    /** The fields an answer or a callback signs, in order. */
    public static final List<String> ANSWER_FIELDS = List.of("Orderid", "Chargeid", "Orderstatu_int", "Errorcode");

    private SupSigner() {
    }

    public static String signingText(Map<String, String> values, List<String> fields, String key) {
        return fields.stream().map(f -> f + "=" + values.getOrDefault(f, "")).collect(Collectors.joining("&"))
                + "&Password=" + key;
    }

    public static String sign(Map<String, String> values, List<String> fields, String key) {
        try {
            byte[] digest = MessageDigest.getInstance("MD5")
                    .digest(signingText(values, fields, key).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is missing from this JVM", e);
        }
    }

    public static boolean verifyAnswer(Map<String, String> values, String key) {
        String given = values.getOrDefault("Sign", "").toLowerCase(Locale.ROOT);
        return MessageDigest.isEqual(sign(values, ANSWER_FIELDS, key).getBytes(StandardCharsets.US_ASCII),
                given.getBytes(StandardCharsets.US_ASCII));
    }
}
