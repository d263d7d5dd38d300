package cardwatch.probes.icp;

import cardwatch.probes.http.TextDecoding;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decodes a page's bytes: the charset the answer declares, else the one its {@code <meta>} declares, else UTF-8 if
 * the bytes are valid UTF-8, else GB18030 (GBK's superset): many Chinese sites send GBK and declare nothing.
 */
public final class PageText {

    private static final Pattern META = Pattern.compile("<meta[^>]+charset\\s*=\\s*[\"']?([A-Za-z0-9_\\-]+)",
            Pattern.CASE_INSENSITIVE);

    private PageText() {
    }

    public static String decode(byte[] body, String contentType) {
        Charset declared = charset(contentType);
        if (declared == null) {
            String head = new String(body, 0, Math.min(body.length, 4096), StandardCharsets.ISO_8859_1);
            Matcher m = META.matcher(head);
            declared = m.find() ? charset("charset=" + m.group(1)) : null;
        }
        return TextDecoding.decode(body, declared, StandardCharsets.UTF_8);
    }

    private static Charset charset(String contentType) {
        if (contentType == null) {
            return null;
        }
        int at = contentType.toLowerCase(Locale.ROOT).indexOf("charset=");
        if (at < 0) {
            return null;
        }
        String name = contentType.substring(at + "charset=".length()).replaceAll("[\"';\\s].*", "");
        try {
            return Charset.forName(name.equalsIgnoreCase("gb2312") ? "GBK" : name);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
