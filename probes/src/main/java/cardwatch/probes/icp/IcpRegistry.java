package cardwatch.probes.icp;

import cardwatch.probes.ProbeContext;

/** Where filings are looked up: the MIIT query flow, or a commercial ICP API. */
public interface IcpRegistry {

    String name();

    Lookup lookup(String domain, ProbeContext context) throws InterruptedException;

    /** What a lookup came to. A registry that cannot be asked is {@link Failed}, never {@link NotRecorded}. */
    sealed interface Lookup {
        record Found(IcpRecord record) implements Lookup {
        }

        record NotRecorded(String text) implements Lookup {
        }

        record Failed(String evidence) implements Lookup {
        }
    }
}
