package cardwatch.monitor.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A real monitoring binary from the Debian packages (Prometheus, Alertmanager), started on a free local port in its
 * own temporary directory and stopped on close. Its output goes to {@code target/<name>-<port>.log}, which is where
 * to look when a test that uses it fails.
 */
public final class LocalBinary implements AutoCloseable {

    private final Process process;
    private final int port;
    private final Path log;

    private LocalBinary(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * Starts {@code executable} with {@code args}; {@code {port}} and {@code {dir}} in them are replaced by the
     * chosen port and the working directory. Waits until {@code readyPath} answers 200.
     *
     * @param files files to write into the working directory first, name then content
     */
    public static LocalBinary start(String executable, List<String> args, String readyPath, String... files)
            throws IOException, InterruptedException {
        Path binary = Path.of(executable);
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException(executable + " is not installed: run `apt-get install -y prometheus "
                    + "prometheus-alertmanager` (the CI script .ci/run does)");
        }
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path dir = Files.createTempDirectory(binary.getFileName().toString());
        for (int i = 0; i + 1 < files.length; i += 2) {
            Files.writeString(dir.resolve(files[i]), files[i + 1].replace("{port}", Integer.toString(port)));
        }
        List<String> command = new ArrayList<>();
        command.add(executable);
        for (String arg : args) {
            command.add(arg.replace("{port}", Integer.toString(port)).replace("{dir}", dir.toString()));
        }
        Path log = Path.of("target", binary.getFileName() + "-" + port + ".log").toAbsolutePath();
        Files.createDirectories(log.getParent());
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        LocalBinary started = new LocalBinary(process, port, log);
        started.awaitReady(readyPath);
        return started;
    }

    public int port() {
        return port;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    private void awaitReady(String path) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        Instant deadline = Instant.now().plusSeconds(30);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                close();
                throw new IllegalStateException("exited with " + process.exitValue() + ":\n" + Files.readString(log));
            }
            try {
                HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + path))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        close();
        throw new IllegalStateException("not ready within 30 s:\n" + Files.readString(log));
    }

    /** What a command printed (stdout and stderr together) and how it exited. */
    public record Result(int exit, String output) {
    }

    /** Runs a command in {@code dir} to its end; a missing program fails naming the Debian packages to install. */
    public static Result run(Path dir, String... command) throws IOException, InterruptedException {
        if (!Files.isExecutable(Path.of(command[0]))) {
            throw new IllegalStateException(command[0] + " is not installed: run `apt-get install -y prometheus "
                    + "prometheus-alertmanager docker-compose postgresql-client` (the CI script .ci/run does)");
        }
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        return new Result(process.waitFor(), output);
    }

    /**
     * A real Prometheus evaluating {@code ruleFiles} every 2 s and scraping, every 2 s, each job given as
     * {@code "name metrics-path host:port"}; alerts go to Alertmanager at {@code alertmanagerPort} unless it is 0.
     */
    public static LocalBinary prometheus(List<Path> ruleFiles, int alertmanagerPort, String... jobs)
            throws IOException, InterruptedException {
        StringBuilder config = new StringBuilder("global:\n  scrape_interval: 2s\n  evaluation_interval: 2s\n"
                + "rule_files:\n");
        ruleFiles.forEach(f -> config.append("  - ").append(f.toAbsolutePath()).append('\n'));
        if (alertmanagerPort != 0) {
            config.append("alerting:\n  alertmanagers:\n    - static_configs:\n        - targets: [\"127.0.0.1:")
                    .append(alertmanagerPort).append("\"]\n");
        }
        // Prometheus scrapes itself too: its own rule evaluation times are on a dashboard
        config.append("scrape_configs:\n  - job_name: prometheus\n    static_configs:\n      - targets: "
                + "[\"127.0.0.1:{port}\"]\n");
        for (String job : jobs) {
            String[] parts = job.split(" ");
            config.append("  - job_name: ").append(parts[0]).append("\n    metrics_path: ").append(parts[1])
                    .append("\n    static_configs:\n      - targets: [\"").append(parts[2]).append("\"]\n");
        }
        return start("/usr/bin/prometheus", List.of("--config.file=prometheus.yml", "--storage.tsdb.path={dir}/data",
                "--web.listen-address=127.0.0.1:{port}"), "/-/ready", "prometheus.yml", config.toString());
    }

    /** POSTs JSON to the binary's HTTP API and returns the status code. */
    public int postJson(String path, String json) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(baseUrl() + path))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
