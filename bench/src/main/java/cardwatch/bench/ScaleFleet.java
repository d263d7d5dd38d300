package cardwatch.bench;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the scale benchmark's platforms file:
 * {@code ScaleFleet FILE N NGINX_PORT SIM_PORT [FAULTY_PERCENT] [yes|no: purchases]}.
 * Every platform has its storefront checked every 30 s (a page nginx serves) and buys every 5 minutes from the
 * standalone simulator, each from its own merchant account there. Four platforms share a host (a loopback address of
 * their own), as 发卡 sites share SaaS hosts. FAULTY_PERCENT (1) of them buy from the stuck, hung, slow-answer and
 * notify-lost platforms in turn; the rest from the reliable one. The simulator runs those five profiles on
 * consecutive ports from SIM_PORT, in that order.
 */
public final class ScaleFleet {

    static final String[] PROFILES = {"reliable", "stuck", "hung", "slow-answer", "notify-lost"};
    static final int FIRST_ACCOUNT = 20000;

    private ScaleFleet() {
    }

    public static void main(String[] args) throws IOException {
        Path file = Path.of(args[0]);
        int n = Integer.parseInt(args[1]);
        int nginxPort = Integer.parseInt(args[2]);
        int simPort = Integer.parseInt(args[3]);
        double faultyPercent = args.length > 4 ? Double.parseDouble(args[4]) : 1.0;
        boolean purchases = args.length <= 5 || !args[5].equals("no");
        int faultyEvery = faultyPercent <= 0 ? Integer.MAX_VALUE : (int) Math.round(100 / faultyPercent);
        int faulty = 0;
        try (Writer out = Files.newBufferedWriter(file)) {
            out.write("platforms:\n");
            for (int i = 0; i < n; i++) {
                int profile = 0;
                if (i % faultyEvery == faultyEvery - 1) {
                    profile = 1 + faulty++ % 4;
                }
                // four platforms to a host, as 发卡 sites share SaaS hosts; each host both their storefront and API
                int h = i / 4;
                String host = "127.1." + (h / 250) + "." + (h % 250 + 1);
                out.write("""
                          - id: p%05d
                            names: { zh: 平台%05d, en: Platform %05d }
                            base-url: http://%s:%d/yrapi.php/
                            protocol: yrapi
                            merchant-id: "%d"
                            credentials: { api-key: "file:sim-key" }
                            product: { id: "1001", face-value: 1.00, price-cap: 1.00 }
                            account: "18866667777"
                            budget: { daily: 300.00 }
                            availability: { urls: ["http://%s:%d/"], keyword: 自动发货 }
                            schedule: { availability: { every: 30s }%s }
                            deadlines: { notify: 2m, confirm: 4m }
                        """.formatted(i, i, i, host, simPort + profile, FIRST_ACCOUNT + i, host, nginxPort,
                        purchases ? ", purchase: { every: 5m, jitter: 2m }"
                                : ", purchase: { cron: \"0 0 3 1 1 ?\" }"));
            }
        }
        System.out.println("wrote " + n + " platforms, " + faulty + " of them on faulty profiles, to " + file);
    }
}
