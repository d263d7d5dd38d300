package cardwatch.simulator;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The platform side of the yrapi signature: keys sorted, {@code sign} left out, raw values joined as
 * {@code k=v&...}, {@code &apikey=<key>} appended, upper-case MD5. Written independently of the probe's signer
 * so that each checks the other.
 */
final class YrapiSignature {

    private YrapiSignature() {
    }

    static String of(Map<String, String> params, String apiKey) {
        StringBuilder text = new StringBuilder();
        new TreeMap<>(params).forEach((key, value) -> {
            if (!key.equals("sign")) {
                text.append(key).append('=').append(value).append('&');
            }
        });
        text.append("apikey=").append(apiKey);
        try {
            byte[] digest = MessageDigest.getInstance("MD5").digest(text.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).toUpperCase(Locale.ROOT);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
