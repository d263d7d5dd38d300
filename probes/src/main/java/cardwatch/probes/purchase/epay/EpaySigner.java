package cardwatch.probes.purchase.epay;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The epay (彩虹易支付) signature: parameters sorted by key, {@code sign}, {@code sign_type} and empty values
 * dropped, joined as {@code k=v} with {@code &} using raw values, the merchant key appended directly, lower-case
 * hex MD5. Two variants seen in the wild are options: {@code &key=} before the key, and empty values kept.
 *
 * @param keyPrefix  append {@code &key=<key>} instead of the bare key
 * @param keepEmpty  keep parameters whose value is empty
 */
public record EpaySigner(boolean keyPrefix, boolean keepEmpty) {

    public static final EpaySigner STANDARD = new EpaySigner(false, false);

    public String signingText(Map<String, String> params, String key) {
        return new TreeMap<>(params).entrySet().stream()
                .filter(e -> !e.getKey().equals("sign") && !e.getKey().equals("sign_type"))
                .filter(e -> keepEmpty || (e.getValue() != null && !e.getValue().isEmpty()))
                .map(e -> e.getKey() + "=" + (e.getValue() == null ? "" : e.getValue()))
                .collect(Collectors.joining("&")) + (keyPrefix ? "&key=" : "") + key;
    }

    public String sign(Map<String, String> params, String key) {
        try {
            byte[] digest = MessageDigest.getInstance("MD5")
                    .digest(signingText(params, key).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is missing from this JVM", e);
        }
    }

    public boolean verify(Map<String, String> params, String key) {
        String given = params.getOrDefault("sign", "").toLowerCase(Locale.ROOT);
        return MessageDigest.isEqual(sign(params, key).getBytes(StandardCharsets.US_ASCII),
                given.getBytes(StandardCharsets.US_ASCII));
    }
}
