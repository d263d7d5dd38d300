package cardwatch.monitor.system;

/**
 * Text from outside on its way into a log line: control characters are written as escapes ({@code \n},
 * {@code \r}, {@code \t}, {@code \u001b}), so a value with a line break never starts a forged line, and a
 * terminal's escape sequences never run. Every log line passes through {@link SafeMessageConverter}; call sites
 * that quote a request value use {@link #quote} to cap its length too.
 */
public final class LogText {

    /** Values quoted into a log line are cut to this many characters. */
    public static final int MAX_QUOTED = 200;

    private LogText() {
    }

    /** A request value as it may appear in a log line: escaped, and cut at {@link #MAX_QUOTED} characters. */
    public static String quote(String value) {
        if (value == null) {
            return "null";
        }
        String cut = value.length() <= MAX_QUOTED ? value : value.substring(0, MAX_QUOTED) + "…";
        return escape(cut, false);
    }

    /**
     * Control characters escaped; with {@code keepLineBreaks}, a {@code \n} stays (for the start-up failure report,
     * whose lines Cardwatch writes itself).
     */
    public static String escape(String text, boolean keepLineBreaks) {
        if (text == null) {
            return null;
        }
        int first = firstControl(text, keepLineBreaks);
        if (first < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length() + 16).append(text, 0, first);
        for (int i = first; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!isControl(c) || keepLineBreaks && c == '\n') {
                out.append(c);
            } else if (c == '\n') {
                out.append("\\n");
            } else if (c == '\r') {
                out.append("\\r");
            } else if (c == '\t') {
                out.append("\\t");
            } else {
                out.append(String.format("\\u%04x", (int) c));
            }
        }
        return out.toString();
    }

    private static int firstControl(String text, boolean keepLineBreaks) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (isControl(c) && !(keepLineBreaks && c == '\n')) {
                return i;
            }
        }
        return -1;
    }

    /** C0 and C1 controls, DEL, and the Unicode line and paragraph separators. */
    private static boolean isControl(char c) {
        return Character.isISOControl(c) || c == '\u2028' || c == '\u2029';
    }
}
