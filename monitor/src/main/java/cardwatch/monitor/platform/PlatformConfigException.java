package cardwatch.monitor.platform;

import java.util.List;

/** The platforms configuration is wrong; each problem names the file, the platform and the field. */
public class PlatformConfigException extends RuntimeException {

    private final List<String> problems;

    public PlatformConfigException(List<String> problems) {
        super(String.join("\n", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
