package cardwatch.monitor.access;

import cardwatch.monitor.system.CardwatchProperties;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The configured API tokens, known only by their SHA-256. A token is 256 random bits, so a fast hash is enough: no
 * guess is cheaper than the token itself, and a request pays one hash. A presented token is hashed and looked up;
 * the token itself is never kept, logged or compared.
 */
@Component
public class ApiTokens {

    /** How a token starts: a secret scanner can find one pasted where it should not be. */
    static final String PREFIX = "cw_";
    private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");
    static final String NAME_RULE = "required, 1-64 letters, digits and . _ @ - (starting with a letter or digit)";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Who presented a token. */
    public record Caller(String name, Role role) implements java.security.Principal {

        @Override
        public String getName() {
            return name;
        }
    }

    private final Map<String, Caller> byHash;

    @Autowired
    public ApiTokens(CardwatchProperties properties) {
        this(properties.api());
    }

    ApiTokens(ApiProperties properties) {
        this.byHash = index(properties.tokens());
    }

    /** The caller whose token this is. */
    Optional<Caller> find(String presented) {
        return presented == null || presented.isEmpty() ? Optional.empty()
                : Optional.ofNullable(byHash.get(sha256(presented)));
    }

    /** Whether no token is configured (the private API then refuses everything). */
    boolean none() {
        return byHash.isEmpty();
    }

    /** How many tokens are configured. */
    public int count() {
        return byHash.size();
    }

    /** Whether a token's holder may be called this (in settings, logs and the audit). */
    static boolean validName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /** A fresh token: the prefix and 32 random bytes, base64url. */
    static String create() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static String sha256(String token) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private static Map<String, Caller> index(List<ApiProperties.Token> tokens) {
        List<String> problems = new ArrayList<>();
        Map<String, Caller> byHash = new HashMap<>();
        Map<String, Integer> names = new HashMap<>();
        Map<String, Integer> hashes = new HashMap<>();
        for (int i = 0; i < tokens.size(); i++) {
            ApiProperties.Token token = tokens.get(i);
            String at = "cardwatch.api.tokens[" + i + "]";
            if (token == null) {
                problems.add(at + ": empty");
                continue;
            }
            Role role = Role.of(token.role());
            if (!validName(token.name())) {
                problems.add(at + ".name: " + NAME_RULE);
            } else if (names.putIfAbsent(token.name(), i) != null) {
                problems.add(at + ".name: '" + token.name() + "' is already the name of cardwatch.api.tokens["
                        + names.get(token.name()) + "]");
            }
            if (role == null) {
                problems.add(at + ".role: must be 'read' or 'admin'");
            }
            // the value is never echoed: a token pasted here by mistake must not reach the log
            if (token.sha256() == null || !HEX.matcher(token.sha256()).matches()) {
                problems.add(at + ".sha256: must be the token's SHA-256, 64 lower-case hex digits (the value given is"
                        + " not, and is not shown)" + (token.sha256() != null && token.sha256().startsWith(PREFIX)
                                ? "; it looks like a token itself: put its hash here, never the token" : ""));
            } else if (hashes.putIfAbsent(token.sha256(), i) != null) {
                problems.add(at + ".sha256: the same token as cardwatch.api.tokens[" + hashes.get(token.sha256())
                        + "]: each holder needs a token of their own");
            } else if (role != null) {
                byHash.put(token.sha256(), new Caller(token.name(), role));
            }
        }
        if (!problems.isEmpty()) {
            throw new TokenConfigException(String.join("\n", problems));
        }
        return Map.copyOf(byHash);
    }
}
