package cardwatch.monitor.platform;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a bad platforms file into a short start-up failure report: the problems, nothing else. */
class PlatformConfigFailureAnalyzer extends AbstractFailureAnalyzer<PlatformConfigException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, PlatformConfigException cause) {
        return new FailureAnalysis("The platforms configuration is invalid:\n" + cause.getMessage(),
                "Correct the fields named above and start Cardwatch again.", cause);
    }
}
