package cardwatch.probes.purchase.yrapi;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The yrapi signature: parameters sorted by name, {@code sign} left out, joined as {@code k=v} with {@code &}
 * using raw (not URL-encoded) values, {@code &apikey=<key>} appended (the key is not sorted in), then the
 * upper-case hex MD5.
 */
public final class YrapiSigner {

    private YrapiSigner() {
    }

    /** The text that is hashed; exposed so tests can show it. */
    public static String signingText(Map<String, String> params, String apiKey) {
        SortedMap<String, String> sorted = new TreeMap<>(params);
        sorted.remove("sign");
        return sorted.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("&")) + "&apikey=" + apiKey;
    }

    public static String sign(Map<String, String> params, String apiKey) {
        try {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            byte[] digest = md5.digest(signingText(params, apiKey).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().withUpperCase().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is missing from this JVM", e);
        }
    }

    /** Constant-time comparison, case-insensitive as platforms differ in the case they send. */
    public static boolean verify(Map<String, String> params, String apiKey) {
        String given = params.getOrDefault("sign", "").toUpperCase(Locale.ROOT);
        byte[] expected = sign(params, apiKey).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.US_ASCII));
    }
}
