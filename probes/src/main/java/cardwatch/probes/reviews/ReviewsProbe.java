package cardwatch.probes.reviews;

import cardwatch.probes.Evidence;
import cardwatch.probes.Outcome;
import cardwatch.probes.PlatformSettings;
import cardwatch.probes.Probe;
import cardwatch.probes.ProbeContext;
import cardwatch.probes.ProbeResult;
import cardwatch.probes.Reason;
import cardwatch.probes.http.TransportException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Gathers a platform's complaints from its sources, classifies each and hands it to the store (new ones added,
 * edited ones updated with their history). A source that cannot be read is reported; the others still count. The
 * sources are other people's sites, so their failures are never the platform's: such a run is an error.
 */
public final class ReviewsProbe implements Probe {

    public static final String KIND = "reviews";

    private final ComplaintClassifier classifier;

    public ReviewsProbe(ComplaintClassifier classifier) {
        this.classifier = classifier;
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public ProbeResult run(PlatformSettings platform, ProbeContext context) throws InterruptedException {
        if (!(platform.options().get(ReviewsSpec.OPTION) instanceof ReviewsSpec spec)) {
            return ProbeResult.error(Reason.CONFIG, "no review sources for this platform");
        }
        int read = 0;
        int changed = 0;
        List<String> problems = new ArrayList<>();
        for (ComplaintSource source : spec.sources()) {
            try {
                List<Complaint> found = source.crawl(spec.fetcher(),
                        c -> spec.store().storedUnchanged(platform.id(), c), spec.maxPages());
                read += found.size();
                for (Complaint complaint : found) {
                    if (spec.store().save(platform.id(), complaint,
                            classifier.classify(complaint.title() + "\n" + complaint.body()))) {
                        changed++;
                    }
                }
            } catch (PoliteFetcher.Refused | TransportException e) {
                problems.add(source.name() + ": " + e.getMessage());
            }
        }
        String summary = read + " complaints read, " + changed + " new or changed";
        if (!problems.isEmpty()) {
            return new ProbeResult(Outcome.ERROR, Reason.NETWORK, Set.of(), Map.of(), null, null, null,
                    Evidence.of(summary + "; " + String.join("; ", problems), List.of()));
        }
        return new ProbeResult(Outcome.SUCCESS, Reason.NONE, Set.of(), Map.of(), null, null, null,
                Evidence.of(summary, List.of()));
    }
}
