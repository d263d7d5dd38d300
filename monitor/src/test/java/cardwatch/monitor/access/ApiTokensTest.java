package cardwatch.monitor.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cardwatch.monitor.system.TestTokens;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ApiTokensTest {

    private static ApiTokens tokens(ApiProperties.Token... tokens) {
        return new ApiTokens(new ApiProperties(List.of(tokens)));
    }

    @Test
    void aTokenIsKnownByItsHashAndGivesItsRole() {
        ApiTokens tokens = tokens(new ApiProperties.Token("ops", "admin", TestTokens.sha256(TestTokens.ADMIN)),
                new ApiProperties.Token("viewer", "read", TestTokens.sha256(TestTokens.READ)));
        assertThat(tokens.find(TestTokens.ADMIN)).contains(new ApiTokens.Caller("ops", Role.ADMIN));
        assertThat(tokens.find(TestTokens.READ)).contains(new ApiTokens.Caller("viewer", Role.READ));
        assertThat(tokens.find(TestTokens.READ + "x")).isEmpty();
        assertThat(tokens.find("")).isEmpty();
        assertThat(tokens.find(null)).isEmpty();
        assertThat(tokens.none()).isFalse();
        assertThat(tokens().none()).isTrue();
    }

    @Test
    void badSettingsStopTheStartNamingEachFieldAndNeverEchoingAValue() {
        String pasted = ApiTokens.create();
        assertThatThrownBy(() -> tokens(
                new ApiProperties.Token("ops", "root", TestTokens.sha256("a")),
                new ApiProperties.Token("", "read", "ABC"),
                new ApiProperties.Token("ops", "read", pasted),
                new ApiProperties.Token("twin", "read", TestTokens.sha256("a"))))
                .isInstanceOf(TokenConfigException.class)
                .hasMessageContaining("cardwatch.api.tokens[0].role: must be 'read' or 'admin'")
                .hasMessageContaining("cardwatch.api.tokens[1].name: required")
                .hasMessageContaining("cardwatch.api.tokens[1].sha256: must be the token's SHA-256")
                .hasMessageContaining("cardwatch.api.tokens[2].name: 'ops' is already the name of"
                        + " cardwatch.api.tokens[0]")
                .hasMessageContaining("cardwatch.api.tokens[2].sha256").hasMessageContaining("looks like a token")
                .hasMessageContaining("cardwatch.api.tokens[3].sha256: the same token as cardwatch.api.tokens[0]")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(pasted, "ABC"));
    }

    @Test
    void theCommandPrintsAFreshTokenAndTheHashOfExactlyThatToken() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = TokenCommand.run(new String[] {"admin", "ops"}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(status).isZero();
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().map(String::strip).toList();
        String token = lines.stream().filter(l -> l.startsWith("cw_")).findFirst().orElseThrow();
        assertThat(token).matches("cw_[A-Za-z0-9_-]{43}");
        assertThat(lines).contains("cardwatch.api.tokens[N].name=ops", "cardwatch.api.tokens[N].role=admin",
                "cardwatch.api.tokens[N].sha256=" + TestTokens.sha256(token));
        assertThat(ApiTokens.create()).isNotEqualTo(ApiTokens.create());

        ByteArrayOutputStream refused = new ByteArrayOutputStream();
        assertThat(TokenCommand.run(new String[] {"root", "ops"}, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(refused, true, StandardCharsets.UTF_8))).isEqualTo(2);
        assertThat(refused.toString(StandardCharsets.UTF_8)).contains("usage: token <read|admin> <name>");
        ByteArrayOutputStream badName = new ByteArrayOutputStream();
        assertThat(TokenCommand.run(new String[] {"read", "two words"}, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(badName, true, StandardCharsets.UTF_8))).isEqualTo(2);
        assertThat(badName.toString(StandardCharsets.UTF_8)).contains("the name: required, 1-64 letters");
    }
}
