package cardwatch.monitor.system;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** API tokens for tests: one of each role, and the settings that configure their hashes. */
public final class TestTokens {

    public static final String READ = "cw_test-reader-0123456789abcdefghijklmnopqrstuv";
    public static final String ADMIN = "cw_test-admin-0123456789abcdefghijklmnopqrstuvw";

    private TestTokens() {
    }

    /** The SHA-256 of a token in hex, computed here independently of the service's code. */
    public static String sha256(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The settings for both tokens ({@code it-reader}, {@code it-admin}), as {@code key=value}. */
    public static List<String> settings() {
        List<String> settings = new ArrayList<>();
        settings.add("cardwatch.api.tokens[0].name=it-reader");
        settings.add("cardwatch.api.tokens[0].role=read");
        settings.add("cardwatch.api.tokens[0].sha256=" + sha256(READ));
        settings.add("cardwatch.api.tokens[1].name=it-admin");
        settings.add("cardwatch.api.tokens[1].role=admin");
        settings.add("cardwatch.api.tokens[1].sha256=" + sha256(ADMIN));
        return settings;
    }

    /** Adds both tokens' settings to a test's properties. */
    public static void register(org.springframework.test.context.DynamicPropertyRegistry registry) {
        for (String setting : settings()) {
            int eq = setting.indexOf('=');
            registry.add(setting.substring(0, eq), () -> setting.substring(eq + 1));
        }
    }
}
