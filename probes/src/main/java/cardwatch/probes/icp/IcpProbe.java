package cardwatch.probes.icp;

import cardwatch.probes.Evidence;
import cardwatch.probes.Outcome;
import cardwatch.probes.PlatformSettings;
import cardwatch.probes.Probe;
import cardwatch.probes.ProbeContext;
import cardwatch.probes.ProbeResult;
import cardwatch.probes.Reason;
import cardwatch.probes.http.HttpTransport;
import cardwatch.probes.http.TransportException;
import cardwatch.probes.purchase.Transports;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Is the ICP filing real? The footer of the home page (and any configured pages) is read for its filing number; the
 * registry is asked for the domain's record; the two are compared after stripping {@code -N}. The status is one of
 * {@code valid}, {@code mismatch}, {@code not_found}, {@code footer_missing}, {@code suspicious} and
 * {@code lookup_error} (the registry unreachable or walled off: never reported as not_found); a 个人 filing on a site
 * that sells goods is flagged {@code personal_filing}.
 */
public final class IcpProbe implements Probe {

    public static final String KIND = "icp";
    public static final List<String> STATUSES = List.of("valid", "mismatch", "not_found", "footer_missing",
            "suspicious", "lookup_error");

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public ProbeResult run(PlatformSettings platform, ProbeContext context) throws InterruptedException {
        if (!(platform.options().get(IcpSpec.OPTION) instanceof IcpSpec spec)) {
            return ProbeResult.error(Reason.CONFIG, "no icp settings for this platform");
        }
        IcpFooter.Finding finding = null;
        for (URI page : spec.pages()) {
            HttpTransport.Raw raw;
            try {
                raw = context.http().getBytes(page);
            } catch (TransportException e) {
                if (finding == null && page.equals(spec.pages().get(0))) {
                    Reason reason = Transports.reason(e);
                    return new ProbeResult(reason.outcome(), reason, Set.of(), Map.of(), null, null, null,
                            Evidence.of(page + ": " + e.getMessage(), List.of()));
                }
                continue;
            }
            if (raw.status() >= 400) {
                continue;
            }
            IcpFooter.Finding read = IcpFooter.read(PageText.decode(raw.body(), raw.contentType()));
            if (finding == null || read.filing() != null && finding.filing() == null) {
                finding = read;
            }
            if (finding.filing() != null) {
                break;
            }
        }
        Map<String, String> facts = new LinkedHashMap<>();
        IcpNumber filing = finding == null ? null : finding.filing();
        facts.put("footer", finding == null ? "" : finding.text());
        facts.put("number", filing == null ? "" : filing.text());
        facts.put("domain", spec.domain());
        IcpRegistry.Lookup lookup = spec.registry().lookup(spec.domain(), context);
        if (lookup instanceof IcpRegistry.Lookup.Found found) {
            IcpRecord record = found.record();
            facts.put("unit_name", record.unitName());
            facts.put("nature_name", record.natureName());
            facts.put("main_licence", record.mainLicence());
            facts.put("service_licence", record.serviceLicence());
            facts.put("update_record_time", record.updateRecordTime());
            facts.put("personal_filing", String.valueOf("个人".equals(record.natureName())));
        }
        String suspicion = filing == null ? null : IcpFooter.suspicion(filing);
        if (finding != null && !finding.placeholders().isEmpty()) {
            facts.put("placeholder", finding.placeholders().get(0));
            return verdict("suspicious", "the footer shows " + String.join(", ", finding.placeholders())
                    + ": a stand-in, not a number", facts);
        }
        if (filing == null) {
            return verdict("footer_missing", "the page shows no filing number", facts);
        }
        if (suspicion != null) {
            return verdict("suspicious", filing.text() + ": " + suspicion, facts);
        }
        if (lookup instanceof IcpRegistry.Lookup.Failed failed) {
            return verdict("lookup_error", failed.evidence(), facts);
        }
        if (lookup instanceof IcpRegistry.Lookup.NotRecorded none) {
            return verdict("not_found", none.text() + "; the footer says " + filing.text(), facts);
        }
        IcpRecord record = ((IcpRegistry.Lookup.Found) lookup).record();
        boolean matches = filing.base().equals(base(record.mainLicence()))
                || filing.base().equals(base(record.serviceLicence()));
        return matches ? verdict("valid", filing.text() + " is " + record.unitName() + " (" + record.natureName()
                + ")", facts) : verdict("mismatch", "the footer says " + filing.text() + ", the registry records "
                        + record.serviceLicence() + " for " + record.domain(), facts);
    }

    /** A filing number without its -N suffix. */
    static String base(String licence) {
        return IcpFooter.normalise(licence == null ? "" : licence).replaceAll("\\s", "")
                .replaceAll("号[-—–]\\d+$", "号").toUpperCase(Locale.ROOT).replace("ICP", "ICP");
    }

    private static ProbeResult verdict(String status, String evidence, Map<String, String> facts) {
        Map<String, String> all = new LinkedHashMap<>(facts);
        all.put("status", status);
        Reason reason = switch (status) {
            case "valid" -> Reason.NONE;
            case "lookup_error" -> Reason.NETWORK;
            default -> Reason.COMPLIANCE;
        };
        Outcome outcome = reason.outcome();
        return new ProbeResult(outcome, reason, Set.of(), Map.of(), null, null, null,
                Evidence.of(status + ": " + evidence, List.of()), null, all);
    }
}
