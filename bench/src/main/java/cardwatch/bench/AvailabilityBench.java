package cardwatch.bench;

import cardwatch.probes.Credentials;
import cardwatch.probes.Outcome;
import cardwatch.probes.PlatformSettings;
import cardwatch.probes.ProbeContext;
import cardwatch.probes.ProbeResult;
import cardwatch.probes.availability.AvailabilityProbe;
import cardwatch.probes.availability.AvailabilitySpec;
import cardwatch.probes.http.HttpLimits;
import cardwatch.probes.http.HttpTransport;
import cardwatch.probes.purchase.MemoryNotifyInbox;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * CPU time per availability probe: Cardwatch's probe in this JVM, against blackbox_exporter probing the same local
 * target in the same run. Ours is measured as this process's CPU time (JIT and GC included) over N probes after a
 * warm-up as long as the run (the JIT settles); blackbox_exporter's as its process's CPU time (from /proc) over N {@code /probe} requests, which is how
 * Prometheus drives it. The target runs in a third process.
 *
 * <p>Usage: {@code java -jar cardwatch-bench.jar TARGET_URL BLACKBOX_URL BLACKBOX_PID [N]}
 */
public final class AvailabilityBench {

    private AvailabilityBench() {
    }

    public static void main(String[] args) throws Exception {
        URI target = URI.create(args[0]);
        String blackbox = args[1];
        long blackboxPid = Long.parseLong(args[2]);
        int n = args.length > 3 ? Integer.parseInt(args[3]) : 3000;

        double ours = ours(target, n);
        double theirs = blackbox(target, blackbox, blackboxPid, n);
        System.out.printf("probes: %d against %s%n", n, target);
        System.out.printf("cardwatch availability probe: %.3f ms CPU per probe%n", ours);
        System.out.printf("blackbox_exporter http probe:  %.3f ms CPU per probe%n", theirs);
        System.out.printf("ratio (cardwatch / blackbox_exporter): %.2f%n", ours / theirs);
    }

    private static double ours(URI target, int n) throws Exception {
        HttpTransport http = new HttpTransport(HttpLimits.defaults());
        AvailabilitySpec spec = new AvailabilitySpec(List.of(target), "自动发货", null, Set.of(target.getHost()));
        PlatformSettings platform = new PlatformSettings("bench", target, "yrapi", "1", new Credentials(Map.of()),
                null, null, Map.of(AvailabilitySpec.OPTION, spec));
        ProbeContext context = new ProbeContext(Clock.systemUTC(), http, new MemoryNotifyInbox(), "CWBENCH", null);
        AvailabilityProbe probe = new AvailabilityProbe();
        for (int i = 0; i < Math.max(2000, n); i++) {
            check(probe.run(platform, context));
        }
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long before = os.getProcessCpuTime();
        for (int i = 0; i < n; i++) {
            check(probe.run(platform, context));
        }
        return (os.getProcessCpuTime() - before) / 1e6 / n;
    }

    private static void check(ProbeResult result) {
        if (result.outcome() != Outcome.SUCCESS) {
            throw new IllegalStateException("the target failed: " + result);
        }
    }

    private static double blackbox(URI target, String blackbox, long pid, int n) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(URI.create(blackbox + "/probe?module=http_keyword&target="
                + target)).GET().build();
        for (int i = 0; i < Math.max(2000, n); i++) {
            probeOnce(client, request);
        }
        long before = cpuTicks(pid);
        for (int i = 0; i < n; i++) {
            probeOnce(client, request);
        }
        long ticks = cpuTicks(pid) - before;
        return ticks * 1000.0 / 100 / n;
    }

    private static void probeOnce(HttpClient client, HttpRequest request) throws Exception {
        String body = client.send(request, HttpResponse.BodyHandlers.ofString()).body();
        if (!body.contains("probe_success 1")) {
            throw new IllegalStateException("blackbox_exporter's probe failed:\n" + body);
        }
    }

    /** utime + stime of a process, in clock ticks (100 per second on Linux). */
    private static long cpuTicks(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }
}
