package cardwatch.probes;

import java.util.Collection;

/** Short, safe evidence text: secrets replaced, control characters dropped, length capped. */
public final class Evidence {

    private static final java.util.regex.Pattern SPACES = java.util.regex.Pattern.compile("\\s{2,}");

    public static final int MAX_LENGTH = 300;
    private static final String REDACTED = "[redacted]";

    private Evidence() {
    }

    public static String of(String text, Collection<String> secrets) {
        if (text == null) {
            return "";
        }
        String clean = text;
        for (String secret : secrets) {
            if (secret != null && secret.length() >= 4) {
                clean = clean.replace(secret, REDACTED);
            }
        }
        StringBuilder out = new StringBuilder(Math.min(clean.length(), MAX_LENGTH + 1));
        clean.codePoints().forEach(cp -> out.appendCodePoint(Character.isISOControl(cp) ? ' ' : cp));
        String flat = SPACES.matcher(out.toString().strip()).replaceAll(" ");
        if (flat.codePointCount(0, flat.length()) <= MAX_LENGTH) {
            return flat;
        }
        return flat.substring(0, flat.offsetByCodePoints(0, MAX_LENGTH - 1)) + "…";
    }

    /**
     * A card code shown only by its ends: the code is a bearer value, and a purchased code must not be readable
     * by whoever reads our rows or pages.
     */
    public static String maskCode(String code) {
        if (code == null || code.isEmpty()) {
            return "";
        }
        if (code.length() <= 6) {
            return "*".repeat(code.length());
        }
        return code.substring(0, 2) + "*".repeat(code.length() - 4) + code.substring(code.length() - 2);
    }
}
