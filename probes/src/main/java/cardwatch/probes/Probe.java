package cardwatch.probes;

/**
 * One kind of probe. A probe returns data and never throws for anything a platform does: a malformed, huge,
 * slow or hostile answer is a classified {@link ProbeResult}.
 */
public interface Probe {

    /** The kind, as used in config and in the {@code probe} metric label. */
    String kind();

    ProbeResult run(PlatformSettings platform, ProbeContext context) throws InterruptedException;
}
