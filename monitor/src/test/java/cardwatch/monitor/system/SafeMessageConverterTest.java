package cardwatch.monitor.system;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every log message is one line, whoever logs it; a terminal's escape sequences never run. */
class SafeMessageConverterTest {

    private static String format(String logger, String message) {
        LoggerContext context = new LoggerContext();
        context.putObject(ch.qos.logback.core.CoreConstants.PATTERN_RULE_REGISTRY,
                new java.util.HashMap<>(java.util.Map.of("m", SafeMessageConverter.class.getName())));
        PatternLayout layout = new PatternLayout();
        layout.setContext(context);
        layout.setPattern("%level %m%n");
        layout.start();
        LoggingEvent event = new LoggingEvent(logger, context.getLogger(logger), Level.WARN, "notify {} refused",
                null, new Object[] {message});
        return layout.doLayout(event);
    }

    @Test
    void aLineBreakInAValueIsWrittenAsAnEscapeAndTheEventStaysOneLine() {
        String line = format("cardwatch.monitor.purchase.NotifyRefusals",
                "CW1\n2026-12-01T00:00:00Z INFO forged\r\u001b[31m\u2028x");

        assertThat(line).isEqualTo("WARN notify CW1\\n2026-12-01T00:00:00Z INFO forged\\r\\u001b[31m\\u2028x refused\n");
        assertThat(line.lines()).hasSize(1);
    }

    @Test
    void theStartUpFailureReportKeepsItsOwnLinesButNotOtherControlCharacters() {
        String report = format("org.springframework.boot.diagnostics.LoggingFailureAnalysisReporter",
                "\nplatforms.yml: problem one\nplatforms.yml: problem two\u001b[2J");

        assertThat(report.lines()).hasSize(3).contains("platforms.yml: problem two\\u001b[2J refused");
    }

    @ParameterizedTest
    @ValueSource(strings = {"m", "msg", "message"})
    void theServicesLogConfigurationWritesEveryMessageThroughIt(String word) throws Exception {
        String config = Files.readString(Path.of("src/main/resources/logback-spring.xml"));
        assertThat(config).contains("<conversionRule conversionWord=\"" + word + "\" class=\""
                + SafeMessageConverter.class.getName() + "\"/>");
    }

    @Test
    void quotedValuesAreCutToo() {
        assertThat(LogText.quote("x".repeat(500))).hasSize(LogText.MAX_QUOTED + 1).endsWith("…");
        assertThat(LogText.quote(null)).isEqualTo("null");
    }
}
