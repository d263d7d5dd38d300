package cardwatch.probes.reviews;

/** Where complaints are kept: the service's table. */
public interface ComplaintStore {

    /** Whether the complaint is stored already with the same content (the crawl may stop there). */
    boolean storedUnchanged(String platform, Complaint complaint);

    /** Stores a new complaint, or updates an edited one keeping its history; returns whether anything changed. */
    boolean save(String platform, Complaint complaint, ComplaintClassifier.Verdict verdict);
}
