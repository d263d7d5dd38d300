package cardwatch.monitor.purchase;

import cardwatch.monitor.CardwatchApplication;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The monitor in a child JVM, as production runs it: its output kept, killable with SIGKILL. */
public final class ServiceProcess implements AutoCloseable {

    private static final Pattern API = Pattern.compile("platforms API\\s+http://localhost:(\\d+)/");

    private final Process process;
    private final List<String> lines = new CopyOnWriteArrayList<>();

    public ServiceProcess(Path work, Path log, List<String> arguments) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx384m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                CardwatchApplication.class.getName()));
        command.addAll(arguments);
        process = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true).start();
        Files.createDirectories(log.getParent());
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8)); PrintWriter out = new PrintWriter(Files.newBufferedWriter(log))) {
                String line;
                while ((line = in.readLine()) != null) {
                    lines.add(line);
                    out.println(line);
                    out.flush();
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "service-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Waits for a line containing {@code text}; fails with the output if the process dies or time runs out. */
    public String await(String text, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            for (String line : lines) {
                if (line.contains(text)) {
                    return line;
                }
            }
            if (!process.isAlive()) {
                throw new AssertionError("the service exited (" + process.exitValue() + ") before '" + text + "':\n"
                        + String.join("\n", lines));
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no '" + text + "' within " + timeout + ":\n" + String.join("\n", lines));
    }

    /** Whether a line so far contains {@code text}. */
    public boolean has(String text) {
        return count(text) > 0;
    }

    /** How many lines so far contain {@code text}. */
    public long count(String text) {
        return lines.stream().filter(line -> line.contains(text)).count();
    }

    /** Sends the process a signal (STOP, CONT): a stall it cannot see coming. */
    public void signal(String signal) throws IOException, InterruptedException {
        if (new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start().waitFor() != 0) {
            throw new AssertionError("kill -" + signal + " " + process.pid() + " failed");
        }
    }

    public int port() throws InterruptedException {
        Matcher matcher = API.matcher(await("platforms API", Duration.ofSeconds(60)));
        if (!matcher.find()) {
            throw new AssertionError("no port in the start report");
        }
        return Integer.parseInt(matcher.group(1));
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL: no shutdown hooks, no finally blocks, nothing flushed. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
