package cardwatch.monitor.api;

import java.util.Map;

/**
 * One platform in {@code GET /api/v1/platforms}.
 *
 * @param names                zh and en display names
 * @param lastRun              the newest finished purchase run, or null
 * @param purchase             per window (1h, 24h, 7d): judged runs, successes and their ratio
 * @param deliveryP50Seconds   median delivery time over 24 h, or null
 * @param deliveryP95Seconds   95th percentile delivery time over 24 h, or null
 * @param mode                 how purchases measure it: {@code purchase} (real purchases, money and delivery) or
 *                             {@code checkout} (the order and the gateway's page only: nothing paid, no delivery seen);
 *                             null when it is not purchase-probed
 * @param userReports24h       buyers' reports of the last 24 hours (我也遇到了问题): unchecked, apart from the measured
 *                             figures, never in the score
 */
record PlatformView(String id, Map<String, String> names, String protocol, RunSummary lastRun,
        Map<String, Window> purchase, Double deliveryP50Seconds, Double deliveryP95Seconds, String mode,
        long userReports24h) {

    /**
     * @param runs          success and failure runs in the window; error runs (ours) count in neither
     * @param successes     successful runs
     * @param successRatio  successes / runs, or null without runs
     */
    record Window(long runs, long successes, Double successRatio) {
    }
}
