package cardwatch.monitor.platform;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Resolves credential references: {@code env:NAME} from the environment, {@code file:KEY} from the secrets file
 * (a properties file) or from secrets the service itself registered (the demo's). Values never leave through
 * {@code toString}, logs or errors: only names do.
 */
public final class SecretResolver {

    public static final String ENV = "env:";
    public static final String FILE = "file:";

    private final Function<String, String> environment;
    private final Path secretsFile;
    private final Map<String, String> fileSecrets = new ConcurrentHashMap<>();

    public SecretResolver(Function<String, String> environment, Path secretsFile) {
        this.environment = environment;
        this.secretsFile = secretsFile;
        if (secretsFile != null) {
            Properties properties = new Properties();
            try (Reader reader = Files.newBufferedReader(secretsFile, StandardCharsets.UTF_8)) {
                properties.load(reader);
            } catch (IOException e) {
                throw new PlatformConfigException(java.util.List.of(secretsFile + ": cannot read the secrets file ("
                        + e.getClass().getSimpleName() + ")"));
            }
            properties.stringPropertyNames().forEach(k -> fileSecrets.put(k, properties.getProperty(k)));
        }
    }

    /** Adds a secret the service generated itself (the demo's simulated platforms' keys). */
    public void register(String key, String value) {
        fileSecrets.put(key, value);
    }

    public static boolean isReference(String value) {
        return value != null && (value.startsWith(ENV) || value.startsWith(FILE)) && value.indexOf(':') < value.length() - 1;
    }

    /** The secret, or empty when the reference points at nothing. */
    public Optional<String> resolve(String reference) {
        if (reference.startsWith(ENV)) {
            return Optional.ofNullable(environment.apply(reference.substring(ENV.length()))).filter(v -> !v.isEmpty());
        }
        if (reference.startsWith(FILE)) {
            return Optional.ofNullable(fileSecrets.get(reference.substring(FILE.length()))).filter(v -> !v.isEmpty());
        }
        return Optional.empty();
    }

    /** Why {@link #resolve} found nothing, in words that name no secret. */
    public String whyMissing(String reference) {
        if (reference.startsWith(ENV)) {
            return "environment variable " + reference.substring(ENV.length()) + " is not set";
        }
        String key = reference.substring(FILE.length());
        return secretsFile == null
                ? "secret '" + key + "' cannot be found: no secrets file is configured (cardwatch.secrets-file)"
                : "secret '" + key + "' is not in the secrets file " + secretsFile;
    }

    @Override
    public String toString() {
        return "SecretResolver[file=" + secretsFile + ", keys=" + fileSecrets.size() + "]";
    }
}
