package cardwatch.monitor.alerts;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Mutation testing of the alert rules: every numeric literal of every rule's {@code expr} is doubled and halved (0
 * becomes 1 and -1), and every label matcher is dropped; each such mutant of a rule file must make at least one of
 * the promtool unit tests that load that file fail. A mutant that passes them all is a threshold, guard or exclusion
 * the tests do not pin down. Only the JDK and promtool: {@code java RuleMutants.java <alerts dir>} runs it by hand.
 */
public final class RuleMutants {

    /** A number standing alone: not part of a name, a duration (5m, 1h), a label value or a range. */
    private static final Pattern NUMBER = Pattern.compile("(?<![\\w.:$\\[%-])\\d+(?:\\.\\d+)?(?![\\w.:\\]])");
    /** A label matcher inside a selector's braces. */
    private static final Pattern MATCHER = Pattern.compile("\\w+\\s*(?:=~|!~|!=|=)\\s*\"[^\"]*\"");
    private static final Pattern SELECTOR = Pattern.compile("\\{([^{}]*)}");
    private static final Pattern QUOTED = Pattern.compile("\"[^\"]*\"");
    private static final Pattern RULE_FILE = Pattern.compile("(?m)^\\s*-\\s*\\.\\./rules/(\\S+)\\s*$");

    /** One changed copy of a rule file: {@code rule} is the alert or recorded series whose expression changed. */
    public record Mutant(String file, int line, String rule, String what, String text) {
        @Override
        public String toString() {
            return file + ":" + line + ": " + what;
        }
    }

    private RuleMutants() {
    }

    /** Every mutant of one rule file's text. */
    public static List<Mutant> of(String file, String text) {
        List<String> lines = List.of(text.split("\n", -1));
        List<Mutant> mutants = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            Matcher expr = Pattern.compile("^(\\s*)expr: ?(.*)$").matcher(line);
            if (!expr.matches()) {
                continue;
            }
            String rule = "";
            for (int k = i; k >= 0 && rule.isEmpty(); k--) {
                Matcher name = Pattern.compile("^\\s*-?\\s*(?:alert|record): (\\S+)").matcher(lines.get(k));
                if (name.find()) {
                    rule = name.group(1);
                }
            }
            int indent = expr.group(1).length();
            List<Integer> body = new ArrayList<>();
            if (expr.group(2).strip().equals("|")) {
                for (int j = i + 1; j < lines.size(); j++) {
                    String next = lines.get(j);
                    if (!next.isBlank() && next.length() - next.stripLeading().length() <= indent) {
                        break;
                    }
                    body.add(j);
                }
            } else {
                body.add(i);
            }
            String whole = String.join("\n", body.stream().map(lines::get).toList()).strip();
            if (whole.endsWith("vector(1)") && whole.replace("expr:", "").strip().equals("vector(1)")) {
                continue; // an always-firing rule (the watchdog) has no threshold to change
            }
            for (int j : body) {
                mutate(file, rule, lines, j, mutants);
            }
        }
        return mutants;
    }

    private static void mutate(String file, String rule, List<String> lines, int index, List<Mutant> mutants) {
        String line = lines.get(index);
        List<int[]> quoted = new ArrayList<>();
        Matcher q = QUOTED.matcher(line);
        while (q.find()) {
            quoted.add(new int[] {q.start(), q.end()});
        }
        Matcher n = NUMBER.matcher(line);
        while (n.find()) {
            if (inside(quoted, n.start())) {
                continue;
            }
            double value = Double.parseDouble(n.group());
            double[] changed = value == 0 ? new double[] {1, -1} : new double[] {value * 2, value / 2};
            for (double to : changed) {
                String number = format(to);
                mutants.add(new Mutant(file, index + 1, rule, n.group() + " -> " + number,
                        replace(lines, index, line.substring(0, n.start()) + number + line.substring(n.end()))));
            }
        }
        Matcher selector = SELECTOR.matcher(line);
        while (selector.find()) {
            String inner = selector.group(1);
            Matcher m = MATCHER.matcher(inner);
            List<String> matchers = new ArrayList<>();
            while (m.find()) {
                matchers.add(m.group());
            }
            for (int k = 0; k < matchers.size(); k++) {
                List<String> rest = new ArrayList<>(matchers);
                rest.remove(k);
                String replacement = rest.isEmpty() ? "" : "{" + String.join(", ", rest) + "}";
                mutants.add(new Mutant(file, index + 1, rule, "drop " + matchers.get(k), replace(lines, index,
                        line.substring(0, selector.start()) + replacement + line.substring(selector.end()))));
            }
        }
    }

    private static boolean inside(List<int[]> spans, int at) {
        return spans.stream().anyMatch(s -> at > s[0] && at < s[1]);
    }

    private static String format(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value)
                : Double.toString(value);
    }

    private static String replace(List<String> lines, int index, String line) {
        List<String> copy = new ArrayList<>(lines);
        copy.set(index, line);
        return String.join("\n", copy);
    }

    /**
     * The test files (names under tests/) whose rule_files load {@code ruleFile}: first those that name
     * {@code rule} (most mutants fail there), then the others, smallest first.
     */
    static List<String> testsOf(Path alerts, String ruleFile, String rule) throws IOException {
        List<Path> tests = new ArrayList<>();
        try (Stream<Path> files = Files.list(alerts.resolve("tests"))) {
            for (Path test : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                Matcher m = RULE_FILE.matcher(Files.readString(test));
                while (m.find()) {
                    if (m.group(1).equals(ruleFile)) {
                        tests.add(test);
                        break;
                    }
                }
            }
        }
        java.util.Map<Path, Boolean> names = new java.util.HashMap<>();
        java.util.Map<Path, Long> sizes = new java.util.HashMap<>();
        for (Path test : tests) {
            names.put(test, Files.readString(test).contains(rule));
            sizes.put(test, Files.size(test));
        }
        tests.sort(java.util.Comparator.comparing((Path t) -> !names.get(t)).thenComparing(sizes::get));
        return tests.stream().map(t -> t.getFileName().toString()).toList();
    }

    /** The report of one run: how many mutants there were and those no test killed. */
    public record Report(int mutants, List<Mutant> survivors) {
    }

    /** Runs every mutant of every rule file in {@code alerts} against promtool, on {@code threads} threads. */
    public static Report run(Path alerts, String promtool, int threads) throws Exception {
        List<Mutant> all = new ArrayList<>();
        try (Stream<Path> files = Files.list(alerts.resolve("rules"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                all.addAll(of(file.getFileName().toString(), Files.readString(file)));
            }
        }
        List<Mutant> survivors = Collections.synchronizedList(new ArrayList<>());
        // each thread works in a copy of its own; which tests each rule's mutants run is read once
        List<Path> made = Collections.synchronizedList(new ArrayList<>());
        ThreadLocal<Path> copies = ThreadLocal.withInitial(() -> {
            Path copy = copy(alerts);
            made.add(copy);
            return copy;
        });
        java.util.Map<String, List<String>> tests = new java.util.concurrent.ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (Mutant mutant : all) {
                done.add(pool.submit(() -> {
                    List<String> order = tests.computeIfAbsent(mutant.file() + "\u0000" + mutant.rule(), k -> {
                        try {
                            return testsOf(alerts, mutant.file(), mutant.rule());
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    });
                    if (!killed(copies.get(), alerts, mutant, order, promtool)) {
                        survivors.add(mutant);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
            pool.awaitTermination(1, TimeUnit.MINUTES);
            for (Path copy : made) {
                delete(copy);
            }
        }
        List<Mutant> sorted = new ArrayList<>(survivors);
        sorted.sort(java.util.Comparator.comparing(Mutant::file).thenComparing(Mutant::line)
                .thenComparing(Mutant::what));
        return new Report(all.size(), sorted);
    }

    private static boolean killed(Path copy, Path alerts, Mutant mutant, List<String> tests, String promtool)
            throws Exception {
        Path target = copy.resolve("rules").resolve(mutant.file());
        Files.writeString(target, mutant.text(), StandardCharsets.UTF_8);
        try {
            for (String test : tests) {
                Process process = new ProcessBuilder(promtool, "test", "rules", "tests/" + test)
                        .directory(copy.toFile()).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (!process.waitFor(5, TimeUnit.MINUTES)) {
                    process.destroyForcibly();
                    throw new IllegalStateException("promtool took over 5 minutes on " + mutant);
                }
                if (process.exitValue() != 0) {
                    if (System.getProperty("mutants.trace") != null) {
                        System.err.println(mutant + " killed by " + test);
                    }
                    return true;
                }
            }
            return false;
        } finally {
            Files.copy(alerts.resolve("rules").resolve(mutant.file()), target,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }

    private static Path copy(Path alerts) {
        try {
            Path copy = Files.createTempDirectory("alerts-mutants");
            for (String dir : List.of("rules", "tests")) {
                Files.createDirectories(copy.resolve(dir));
                try (Stream<Path> files = Files.list(alerts.resolve(dir))) {
                    for (Path f : files.toList()) {
                        Files.copy(f, copy.resolve(dir).resolve(f.getFileName()));
                    }
                }
            }
            return copy;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public static void main(String[] args) throws Exception {
        long started = System.nanoTime();
        Report report = run(Path.of(args[0]), "/usr/bin/promtool", args.length > 1 ? Integer.parseInt(args[1]) : 2);
        report.survivors().forEach(System.out::println);
        System.out.printf("%d mutants, %d survived, %.0f s%n", report.mutants(), report.survivors().size(),
                (System.nanoTime() - started) / 1e9);
    }
}
