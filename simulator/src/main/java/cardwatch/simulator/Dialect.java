package cardwatch.simulator;

import java.nio.charset.Charset;
import java.util.Map;

/** How a simulated platform speaks: its requests, answers and notifies, over a {@link TopUpBook}. */
interface Dialect {

    /** Handles one request; {@code path} is below the API base, e.g. {@code index/recharge}. */
    SimAnswer handle(String path, Map<String, String> form);

    /** The charset its forms and answers use. */
    Charset charset();
}
