package cardwatch.monitor.platform;

import java.util.List;

/** The platforms configuration is wrong; each problem names the file, the platform and the field. */
public class PlatformConfigException extends RuntimeException {

    private final List<String> problems;

    /** Each problem is kept on one line: control characters a bad file carries are escaped. */
    public PlatformConfigException(List<String> problems) {
        this(problems.stream().map(p -> cardwatch.monitor.system.LogText.escape(p, false)).toList(), true);
    }

    private PlatformConfigException(List<String> escaped, boolean unused) {
        super(String.join("\n", escaped));
        this.problems = List.copyOf(escaped);
    }

    public List<String> problems() {
        return problems;
    }
}
