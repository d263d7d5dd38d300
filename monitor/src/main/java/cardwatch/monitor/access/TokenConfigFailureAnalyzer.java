package cardwatch.monitor.access;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a bad token setting into a short start-up failure report. */
class TokenConfigFailureAnalyzer extends AbstractFailureAnalyzer<TokenConfigException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, TokenConfigException cause) {
        return new FailureAnalysis("The API tokens are misconfigured:\n" + cause.getMessage(),
                "Correct the settings named above (`java -jar monitor.jar token <read|admin> <name>` prints a token and"
                        + " its settings) and start Cardwatch again.", cause);
    }
}
