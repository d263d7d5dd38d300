package cardwatch.monitor.system;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * The log pattern's message ({@code %m}, {@code %msg}, {@code %message}, see {@code logback-spring.xml}), with control
 * characters escaped ({@link LogText}): whatever a request carried, and whichever library logs it (Spring's "Resolved
 * [...]" warnings quote request values), one event is one line. Only the start-up failure report and the start-up
 * summary keep their line breaks: their lines are Cardwatch's own, from a configuration checked for control
 * characters.
 */
public class SafeMessageConverter extends MessageConverter {

    static final java.util.Set<String> MULTI_LINE = java.util.Set.of(
            "org.springframework.boot.diagnostics.LoggingFailureAnalysisReporter", StartupReport.class.getName());

    @Override
    public String convert(ILoggingEvent event) {
        return LogText.escape(event.getFormattedMessage(), MULTI_LINE.contains(event.getLoggerName()));
    }
}
