package cardwatch.monitor.platform;

import cardwatch.probes.PayerSettings;
import cardwatch.probes.purchase.storefront.CheckoutPayer;
import cardwatch.probes.availability.AvailabilityProbe;
import cardwatch.probes.availability.AvailabilitySpec;
import cardwatch.probes.icp.IcpProbe;
import cardwatch.probes.icp.IcpRegistry;
import cardwatch.probes.icp.IcpSpec;
import cardwatch.probes.reviews.ComplaintSource;
import cardwatch.probes.reviews.ComplaintStore;
import cardwatch.probes.reviews.heimao.HeimaoSource;
import cardwatch.probes.reviews.html.HtmlSource;
import cardwatch.probes.reviews.PoliteFetcher;
import cardwatch.probes.reviews.ReviewsProbe;
import cardwatch.probes.reviews.ReviewsSpec;
import cardwatch.probes.purchase.PurchaseProtocol;
import cardwatch.probes.purchase.PurchaseSpec;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TimeZone;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;
import org.quartz.CronExpression;
import org.springframework.boot.convert.DurationStyle;
import org.snakeyaml.engine.v2.api.LoadSettings;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.deser.DeserializationProblemHandler;
import tools.jackson.dataformat.yaml.YAMLFactory;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Reads {@code platforms.yml} and validates it while parsing, the way blackbox_exporter does: every problem is
 * reported with the file, the platform id and the field, and nothing starts until there are none.
 */
public final class PlatformConfigLoader {

    /** Limits that the platforms file is checked against. */
    public record Limits(BigDecimal maxPrice, Duration minInterval, ZoneId timeZone, BigDecimal dailyBudget) {
    }

    static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    static final Duration DEFAULT_EVERY = Duration.ofMinutes(20);
    static final Duration DEFAULT_AVAILABILITY_EVERY = Duration.ofSeconds(60);
    static final Duration DEFAULT_ICP_EVERY = Duration.ofDays(1);
    static final Duration DEFAULT_REVIEWS_EVERY = Duration.ofHours(1);
    /** The floor under probes that spend nothing: a politeness limit, not a money one. */
    static final Duration FREE_PROBE_FLOOR = Duration.ofSeconds(10);
    static final Duration DEFAULT_JITTER = Duration.ofMinutes(2);
    static final Duration DEFAULT_NOTIFY = Duration.ofMinutes(2);
    static final Duration DEFAULT_CONFIRM = Duration.ofMinutes(10);
    static final Duration DEFAULT_POLL_INITIAL = Duration.ofSeconds(2);
    static final Duration DEFAULT_POLL_MAX = Duration.ofSeconds(30);

    /**
     * The most a platforms file may hold, in code points: a fleet of 20,000 platforms is about 6 million; the YAML
     * parser's own default (3 million) would refuse it.
     */
    static final int MAX_CODE_POINTS = 64 * 1024 * 1024;

    private static final YAMLMapper YAML = YAMLMapper.builder(YAMLFactory.builder()
                    .loadSettings(LoadSettings.builder().setCodePointLimit(MAX_CODE_POINTS).build()).build())
            .propertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    private final Set<String> probeKinds;
    private final Map<String, PurchaseProtocol> protocols;
    private final Limits limits;
    private final SecretResolver secrets;
    private final IcpRegistry registry;
    private final ReviewSupport reviewSupport;

    /** What review sources need from the service: its polite fetcher and its complaint table. */
    public record ReviewSupport(PoliteFetcher fetcher, ComplaintStore store) {
    }

    public PlatformConfigLoader(Set<String> probeKinds, Map<String, PurchaseProtocol> protocols, Limits limits,
            SecretResolver secrets) {
        this(probeKinds, protocols, limits, secrets, null, null);
    }

    public PlatformConfigLoader(Set<String> probeKinds, Map<String, PurchaseProtocol> protocols, Limits limits,
            SecretResolver secrets, IcpRegistry registry, ReviewSupport reviewSupport) {
        this.probeKinds = Set.copyOf(probeKinds);
        this.protocols = Map.copyOf(protocols);
        this.limits = limits;
        this.secrets = secrets;
        this.registry = registry;
        this.reviewSupport = reviewSupport;
    }

    /** A validated platform and the entry it came from (its text: what tells a changed entry from the same). */
    public record Loaded(Platform platform, String entry) {
    }

    /** Reads and validates a platforms file. */
    public List<Platform> load(Path file) {
        return read(file).stream().map(Loaded::platform).toList();
    }

    /** Reads and validates a platforms file; each platform with its entry. */
    public List<Loaded> read(Path file) {
        String source = file.toString();
        JsonNode root;
        try (InputStream in = Files.newInputStream(file)) {
            root = YAML.readTree(in);
        } catch (NoSuchFileException e) {
            throw new PlatformConfigException(List.of(source + ": file not found"));
        } catch (IOException e) {
            throw new PlatformConfigException(List.of(source + ": cannot read (" + e.getClass().getSimpleName() + ")"));
        } catch (JacksonException e) {
            throw new PlatformConfigException(List.of(source + ": not valid YAML: " + e.getOriginalMessage()));
        }
        if (root == null || !root.isObject() || !root.path("platforms").isArray()) {
            throw new PlatformConfigException(List.of(source + ": expected a top-level 'platforms:' list"));
        }
        List<String> problems = new ArrayList<>();
        for (String key : root.propertyNames()) {
            if (!key.equals("platforms")) {
                problems.add(source + ": unknown top-level field '" + key + "'");
            }
        }
        List<JsonNode> nodes = new ArrayList<>();
        root.path("platforms").forEach(nodes::add);
        return entries(source, nodes, problems);
    }

    /**
     * Reads and validates one platform entry, as it would stand in the file's {@code platforms:} list (YAML, or
     * JSON, which YAML reads too). Its problems are the ones the same entry gets in a file named {@code source}.
     */
    public Loaded readOne(String source, String text) {
        JsonNode node;
        try {
            node = YAML.readTree(text);
        } catch (JacksonException e) {
            throw new PlatformConfigException(List.of(source + ": not valid YAML or JSON: " + e.getOriginalMessage()));
        }
        if (node == null || !node.isObject()) {
            throw new PlatformConfigException(List.of(source + ": expected one platform's fields ({\"id\": ..., "
                    + "\"names\": ..., ...}), as one entry of the file's 'platforms:' list"));
        }
        return entries(source, List.of(node), new ArrayList<>()).get(0);
    }

    private List<Loaded> entries(String source, List<JsonNode> nodes, List<String> problems) {
        List<PlatformEntry> entries = new ArrayList<>();
        List<Map<String, String>> parseProblems = new ArrayList<>();
        int index = 0;
        for (JsonNode node : nodes) {
            index++;
            String who = node.path("id").isString() ? "platform '" + node.path("id").asString() + "'"
                    : "platform #" + index;
            FieldProblems found = new FieldProblems();
            try {
                entries.add(YAML.readerFor(PlatformEntry.class).withHandler(found).readValue(node));
                parseProblems.add(found.byField);
            } catch (JacksonException e) {
                found.byField.forEach((field, problem) -> problems.add(source + ": " + who + ", field '" + field
                        + "': " + problem));
                problems.add(source + ": " + who + ", field '" + path(e) + "': " + e.getOriginalMessage());
            }
        }
        try {
            List<Platform> platforms = validate(source, entries, parseProblems);
            if (problems.isEmpty()) {
                // every entry was read and is valid: one platform per node, in order
                List<Loaded> loaded = new ArrayList<>(platforms.size());
                for (int i = 0; i < platforms.size(); i++) {
                    loaded.add(new Loaded(platforms.get(i), nodes.get(i).toString()));
                }
                return loaded;
            }
        } catch (PlatformConfigException e) {
            problems.addAll(e.problems());
        }
        throw new PlatformConfigException(problems);
    }

    /**
     * Reading one platform entry: an unknown field or a value of the wrong type is noted with its path and skipped,
     * so that every other problem of the file is still found and reported with it, in one start.
     */
    private static final class FieldProblems extends DeserializationProblemHandler {
        final Map<String, String> byField = new LinkedHashMap<>();

        @Override
        public boolean handleUnknownProperty(DeserializationContext context, JsonParser parser,
                ValueDeserializer<?> deserializer, Object bean, String name) {
            byField.putIfAbsent(field(parser.streamReadContext().pathAsPointer(), name), "unknown field");
            parser.skipChildren();
            return true;
        }

        @Override
        public Object handleWeirdStringValue(DeserializationContext context, Class<?> type, String value,
                String message) {
            byField.putIfAbsent(field(context.getParser().streamReadContext().pathAsPointer(), null),
                    "'" + value + "' is not " + expected(type));
            return null;
        }

        @Override
        public Object handleUnexpectedToken(DeserializationContext context, JavaType type, JsonToken token,
                JsonParser parser, String message) {
            byField.putIfAbsent(field(parser.streamReadContext().pathAsPointer(), null),
                    "expected " + expected(type.getRawClass()) + ", found " + found(token));
            parser.skipChildren();
            return null;
        }

        private static String expected(Class<?> type) {
            if (Number.class.isAssignableFrom(type) || type.isPrimitive()) {
                return "a number";
            }
            if (type == String.class) {
                return "a text";
            }
            if (java.util.Collection.class.isAssignableFrom(type)) {
                return "a list";
            }
            return Map.class.isAssignableFrom(type) || type.isRecord() ? "a block of fields" : "a " + type.getSimpleName();
        }

        private static String found(JsonToken token) {
            return switch (token) {
                case START_ARRAY -> "a list";
                case START_OBJECT -> "a block of fields";
                default -> "a single value";
            };
        }

        /** A JSON pointer (/product/colour, /maintenance/0/cron) as the field names of the messages. */
        private static String field(tools.jackson.core.JsonPointer pointer, String last) {
            StringBuilder out = new StringBuilder();
            for (tools.jackson.core.JsonPointer p = pointer; p != null && !p.matches(); p = p.tail()) {
                if (p.mayMatchElement()) {
                    out.append('[').append(p.getMatchingIndex()).append(']');
                } else {
                    out.append(out.isEmpty() ? "" : ".").append(p.getMatchingProperty());
                }
            }
            if (last != null && !out.toString().endsWith(last)) {
                out.append(out.isEmpty() ? "" : ".").append(last);
            }
            return out.toString();
        }
    }

    private static String path(JacksonException e) {
        return e.getPath().stream()
                .map(ref -> ref.getPropertyName() != null ? ref.getPropertyName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }

    /** Validates entries that came from {@code source} (a file, or the demo). */
    public List<Platform> validate(String source, List<PlatformEntry> entries) {
        return validate(source, entries, List.of());
    }

    /**
     * Validates entries whose reading already found {@code parseProblems} (per entry, by field): those come first in
     * the report, and the same fields are not reported again (a value that could not be read is not also "required").
     */
    private List<Platform> validate(String source, List<PlatformEntry> entries, List<Map<String, String>> parseProblems) {
        List<String> problems = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        List<Platform> platforms = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            PlatformEntry entry = entries.get(i);
            String who = entry.id() == null || entry.id().isBlank() ? "platform #" + (i + 1)
                    : "platform '" + entry.id() + "'";
            Map<String, String> known = i < parseProblems.size() ? parseProblems.get(i) : Map.of();
            Problems p = new Problems(source + ": " + who, problems, known.keySet());
            known.forEach(p::add);
            boolean readable = known.isEmpty();
            Integer first = entry.id() == null ? null : seen.putIfAbsent(entry.id(), i + 1);
            if (first != null) {
                p.add("id", "duplicate id, already used by platform #" + first);
            }
            Platform platform = validate(entry, p);
            if (platform != null && readable) {
                platforms.add(platform);
            }
        }
        if (!problems.isEmpty()) {
            throw new PlatformConfigException(problems);
        }
        return List.copyOf(platforms);
    }

    private Platform validate(PlatformEntry e, Problems p) {
        int before = p.count();
        if (required(e.id(), "id", p) && !ID.matcher(e.id()).matches()) {
            p.add("id", "'" + e.id() + "' is not a slug: lower-case letters, digits and '-', at most 63 characters");
        }
        PlatformEntry.Names names = e.names() == null ? new PlatformEntry.Names(null, null) : e.names();
        if (required(names.zh(), "names.zh", p)) {
            plainText(names.zh(), "names.zh", p);
        }
        if (required(names.en(), "names.en", p)) {
            plainText(names.en(), "names.en", p);
        }
        URI baseUrl = required(e.baseUrl(), "base-url", p) ? url(e.baseUrl(), "base-url", p) : null;
        PurchaseProtocol protocol = null;
        if (required(e.protocol(), "protocol", p)) {
            protocol = protocols.get(e.protocol());
            if (protocol == null) {
                p.add("protocol", "unknown protocol '" + e.protocol() + "' (known: "
                        + String.join(", ", protocols.keySet().stream().sorted().toList()) + ")");
            }
        }
        boolean storefront = protocol != null && !protocol.payerKinds().isEmpty();
        if (protocol != null && !storefront) {
            required(e.merchantId(), "merchant-id", p);
        }
        PayerSettings payer = payer(e.payer(), protocol, p);
        Map<String, Object> options = new LinkedHashMap<>();
        if (e.generic() != null) {
            options.put("generic", e.generic());
        }
        if (e.version() != null) {
            options.put("version", e.version());
        }
        if (protocol != null) {
            if (e.generic() != null && !protocol.name().equals("generic")) {
                p.add("generic", "is only for protocol generic");
            } else if (e.version() != null && !protocol.name().equals("acg-faka")) {
                p.add("version", "is only for protocol acg-faka (the release it runs, 3.0.0 to 3.6.0)");
            } else {
                protocol.checkOptions(options).forEach(p::add);
            }
        }
        Map<String, String> credentials = e.credentials() == null ? Map.of() : e.credentials();
        checkCredentials(credentials, protocol, payer == null ? null : payer.kind(), p);
        PurchaseSpec purchase = purchase(e, p);
        AvailabilitySpec availability = availability(e.availability(), baseUrl, p);
        IcpSpec icp = icp(e.icp(), baseUrl, availability, p);
        ReviewsSpec reviews = reviews(e.reviews(), p);
        List<MaintenanceWindow> maintenance = maintenance(e.maintenance(), p);
        Map<String, Schedule> schedules = schedules(e.schedule(), availability != null, icp != null,
                reviews != null, p);
        BigDecimal daily = e.budget() == null || e.budget().daily() == null ? limits.dailyBudget()
                : e.budget().daily();
        if (daily.signum() < 0) {
            p.add("budget.daily", "must not be negative");
        } else if (purchase != null && purchase.priceCap().compareTo(limits.maxPrice()) <= 0
                && daily.compareTo(purchase.priceCap()) < 0) {
            p.add("budget.daily", yuan(daily) + " yuan is below the price cap of " + yuan(purchase.priceCap())
                    + " yuan: no purchase could ever run");
        }
        if (p.count() > before) {
            return null;
        }
        boolean pays = Platform.MODE_PURCHASE.equals(Platform.purchaseMode(purchase, payer));
        if (pays && schedules.containsKey("purchase") && !purchaseScheduleSet(e.schedule())) {
            schedules.put("purchase", new Schedule(pacedEvery(daily, purchase.priceCap()), null,
                    schedules.get("purchase").jitter()));
        }
        if (availability != null) {
            options.put(AvailabilitySpec.OPTION, availability);
        }
        if (icp != null) {
            options.put(IcpSpec.OPTION, icp);
        }
        if (reviews != null) {
            options.put(ReviewsSpec.OPTION, reviews);
        }
        if (!maintenance.isEmpty()) {
            options.put(MaintenanceWindow.OPTION, maintenance);
        }
        if (Boolean.TRUE.equals(e.critical())) {
            options.put(Platform.CRITICAL, Boolean.TRUE);
        }
        return new Platform(e.id(), names.zh(), names.en(), baseUrl, e.protocol(), e.merchantId(),
                Map.copyOf(credentials), purchase, schedules, money(daily), payer, Map.copyOf(options));
    }

    /** A storefront's payer: required for storefront protocols, refused for those that pay by themselves. */
    private PayerSettings payer(PlatformEntry.Payer entry, PurchaseProtocol protocol, Problems p) {
        if (protocol == null) {
            return null;
        }
        if (protocol.payerKinds().isEmpty()) {
            if (entry != null) {
                p.add("payer", "protocol " + protocol.name() + " pays by itself; remove payer");
            }
            return null;
        }
        String known = String.join(", ", protocol.payerKinds().stream().sorted().toList());
        if (entry == null || entry.kind() == null) {
            p.add("payer.kind", "is required by protocol " + protocol.name() + " (one of: " + known + ")");
            return null;
        }
        if (!protocol.payerKinds().contains(entry.kind())) {
            p.add("payer.kind", "unknown payer '" + entry.kind() + "' for protocol " + protocol.name() + " (known: "
                    + known + ")");
            return null;
        }
        URI gateway = null;
        boolean checkout = entry.kind().equals(CheckoutPayer.KIND);
        if (checkout) {
            if (required(entry.gateway(), "payer.gateway", p)) {
                gateway = url(entry.gateway(), "payer.gateway", p);
            }
            required(entry.method(), "payer.method", p);
        } else if (entry.gateway() != null) {
            gateway = url(entry.gateway(), "payer.gateway", p);
        }
        return new PayerSettings(entry.kind(), gateway, null, entry.method(), null);
    }

    private void checkCredentials(Map<String, String> credentials, PurchaseProtocol protocol, String payerKind,
            Problems p) {
        if (protocol != null) {
            for (String name : protocol.requiredCredentials(payerKind)) {
                if (!credentials.containsKey(name)) {
                    p.add("credentials." + name, "is required by protocol " + protocol.name()
                            + (payerKind == null ? "" : " paid by " + payerKind));
                }
            }
        }
        credentials.forEach((name, reference) -> {
            String field = "credentials." + name;
            if (!SecretResolver.isReference(reference)) {
                p.add(field, "must be a reference 'env:NAME' or 'file:KEY', never the secret itself");
            } else if (secrets.resolve(reference).isEmpty()) {
                p.add(field, secrets.whyMissing(reference));
            }
        });
    }

    private PurchaseSpec purchase(PlatformEntry e, Problems p) {
        PlatformEntry.Product product = e.product();
        if (product == null) {
            p.add("product", "is required");
            return null;
        }
        required(product.id(), "product.id", p);
        required(e.account(), "account", p);
        if (product.faceValue() != null && product.faceValue().signum() <= 0) {
            p.add("product.face-value", "must be more than 0");
        }
        if (product.priceCap() == null) {
            p.add("product.price-cap", "is required");
        } else if (product.priceCap().signum() <= 0) {
            p.add("product.price-cap", "must be more than 0");
        } else if (product.priceCap().compareTo(limits.maxPrice()) > 0) {
            p.add("product.price-cap", yuan(product.priceCap()) + " yuan is above the per-purchase cap of "
                    + yuan(limits.maxPrice()) + " yuan (cardwatch.purchase.max-price)");
        }
        Pattern codePattern = null;
        if (product.codePattern() != null) {
            try {
                codePattern = Pattern.compile(product.codePattern());
            } catch (PatternSyntaxException ex) {
                p.add("product.code-pattern", "is not a regular expression: " + ex.getDescription());
            }
        }
        PlatformEntry.Deadlines d = e.deadlines() == null ? new PlatformEntry.Deadlines(null, null, null, null)
                : e.deadlines();
        Duration notify = duration(d.notifyWithin(), DEFAULT_NOTIFY, "deadlines.notify", p);
        Duration confirm = duration(d.confirm(), DEFAULT_CONFIRM, "deadlines.confirm", p);
        Duration pollInitial = duration(d.pollInitial(), DEFAULT_POLL_INITIAL, "deadlines.poll-initial", p);
        Duration pollMax = duration(d.pollMax(), DEFAULT_POLL_MAX, "deadlines.poll-max", p);
        if (notify != null && confirm != null && notify.compareTo(confirm) > 0) {
            p.add("deadlines.notify", notify + " is longer than deadlines.confirm (" + confirm + ")");
        }
        if (pollInitial != null && pollMax != null && pollInitial.compareTo(pollMax) > 0) {
            p.add("deadlines.poll-initial", pollInitial + " is longer than deadlines.poll-max (" + pollMax + ")");
        }
        if (product.id() == null || product.priceCap() == null || notify == null || confirm == null
                || pollInitial == null || pollMax == null) {
            return null;
        }
        return new PurchaseSpec(product.id(), money(product.faceValue()), money(product.priceCap()), e.account(),
                codePattern, notify, confirm, pollInitial, pollMax);
    }

    /** The availability block: its URLs absolute, its domains the platform's own. */
    private static AvailabilitySpec availability(PlatformEntry.Availability entry, URI baseUrl, Problems p) {
        if (entry == null) {
            return null;
        }
        List<URI> urls = new ArrayList<>();
        List<String> given = entry.urls() == null || entry.urls().isEmpty()
                ? (baseUrl == null ? List.of() : List.of(baseUrl.toString())) : entry.urls();
        for (int i = 0; i < given.size(); i++) {
            URI url = url(given.get(i), "availability.urls[" + i + "]", p);
            if (url != null) {
                urls.add(url);
            }
        }
        Set<String> domains = new java.util.LinkedHashSet<>();
        if (entry.domains() != null) {
            domains.addAll(entry.domains());
        }
        urls.forEach(u -> domains.add(u.getHost()));
        return urls.isEmpty() ? null : new AvailabilitySpec(urls, blankToNull(entry.keyword()),
                blankToNull(entry.absent()), domains);
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text;
    }

    /** The ICP block: the domain to look up and the pages whose footers are read. */
    private IcpSpec icp(PlatformEntry.Icp entry, URI baseUrl, AvailabilitySpec availability, Problems p) {
        if (entry == null || baseUrl == null) {
            return null;
        }
        if (registry == null) {
            p.add("icp", "no ICP registry is configured (cardwatch.icp.*)");
            return null;
        }
        List<URI> pages = new ArrayList<>();
        if (entry.pages() == null || entry.pages().isEmpty()) {
            pages.add(availability != null ? availability.urls().get(0) : baseUrl);
        } else {
            for (int i = 0; i < entry.pages().size(); i++) {
                URI page = url(entry.pages().get(i), "icp.pages[" + i + "]", p);
                if (page != null) {
                    pages.add(page);
                }
            }
        }
        String domain = entry.domain() == null || entry.domain().isBlank()
                ? baseUrl.getHost().replaceFirst("^www\\.", "") : entry.domain().trim().toLowerCase();
        return pages.isEmpty() ? null : new IcpSpec(pages, domain, registry);
    }

    /** The review sources: each named, its URL absolute, a heimao secret a resolvable reference. */
    /** Maintenance windows: a Quartz cron for each start, in the service's time zone, and a duration. */
    private List<MaintenanceWindow> maintenance(List<PlatformEntry.Maintenance> entries, Problems p) {
        List<MaintenanceWindow> windows = new ArrayList<>();
        List<PlatformEntry.Maintenance> given = entries == null ? List.of() : entries;
        for (int i = 0; i < given.size(); i++) {
            PlatformEntry.Maintenance m = given.get(i);
            String field = "maintenance[" + i + "]";
            if (m == null) {
                p.add(field, "is empty: give cron and duration");
                continue;
            }
            boolean hasCron = required(m.cron(), field + ".cron", p);
            Duration duration = required(m.duration(), field + ".duration", p)
                    ? duration(m.duration(), null, field + ".duration", p) : null;
            if (duration != null && (duration.isZero() || duration.compareTo(Duration.ofDays(7)) > 0)) {
                p.add(field + ".duration", "'" + m.duration() + "' must be more than 0 and at most 7 days");
                duration = null;
            }
            if (!hasCron) {
                continue;
            }
            try {
                MaintenanceWindow window = new MaintenanceWindow(m.cron().trim(), duration == null ? Duration.ZERO
                        : duration, m.note(), limits.timeZone());
                if (duration != null) {
                    windows.add(window);
                }
            } catch (java.text.ParseException ex) {
                p.add(field + ".cron", "'" + m.cron() + "' is not a Quartz cron expression (seconds minutes hours "
                        + "day-of-month month day-of-week, e.g. '0 0 0 * * ?'): " + ex.getMessage());
            }
        }
        return List.copyOf(windows);
    }

    private ReviewsSpec reviews(PlatformEntry.Reviews entry, Problems p) {
        if (entry == null) {
            return null;
        }
        if (reviewSupport == null) {
            p.add("reviews", "reviews are not available in this service");
            return null;
        }
        List<ComplaintSource> sources = new ArrayList<>();
        List<PlatformEntry.Source> given = entry.sources() == null ? List.of() : entry.sources();
        if (given.isEmpty()) {
            p.add("reviews.sources", "is required: at least one source");
        }
        for (int i = 0; i < given.size(); i++) {
            PlatformEntry.Source s = given.get(i);
            String field = "reviews.sources[" + i + "]";
            if ("heimao".equals(s.kind())) {
                URI base = required(s.baseUrl(), field + ".base-url", p) ? url(s.baseUrl(), field + ".base-url", p)
                        : null;
                required(s.keyword(), field + ".keyword", p);
                String secret = null;
                if (s.secret() == null || !SecretResolver.isReference(s.secret())) {
                    p.add(field + ".secret", "must be a reference 'env:NAME' or 'file:KEY', never the secret itself");
                } else {
                    secret = secrets.resolve(s.secret()).orElse(null);
                    if (secret == null) {
                        p.add(field + ".secret", secrets.whyMissing(s.secret()));
                    }
                }
                if (base != null && s.keyword() != null && secret != null) {
                    sources.add(new HeimaoSource(base, s.keyword(), secret));
                }
            } else if ("html".equals(s.kind())) {
                required(s.name(), field + ".name", p);
                URI start = required(s.url(), field + ".url", p) ? url(s.url(), field + ".url", p) : null;
                required(s.item(), field + ".item", p);
                if (start != null && s.name() != null && s.item() != null) {
                    sources.add(new HtmlSource(s.name(), start, new HtmlSource.Selectors(s.item(), s.title(), s.body(),
                            s.time(), s.author(), s.link(), s.next())));
                }
            } else {
                p.add(field + ".kind", "'" + s.kind() + "' is not one of heimao, html");
            }
        }
        int maxPages = entry.maxPages() == null ? 5 : entry.maxPages();
        if (maxPages < 1) {
            p.add("reviews.max-pages", "must be at least 1");
        }
        return sources.isEmpty() ? null : new ReviewsSpec(sources, maxPages, reviewSupport.fetcher(),
                reviewSupport.store());
    }

    private Map<String, Schedule> schedules(Map<String, PlatformEntry.ScheduleEntry> entries, boolean available,
            boolean icp, boolean reviews, Problems p) {
        Map<String, PlatformEntry.ScheduleEntry> all = new LinkedHashMap<>();
        all.put("purchase", null);
        if (available) {
            all.put(AvailabilityProbe.KIND, null);
        }
        if (icp) {
            all.put(IcpProbe.KIND, null);
        }
        if (reviews) {
            all.put(ReviewsProbe.KIND, null);
        }
        if (entries != null) {
            all.putAll(entries);
        }
        Map<String, Schedule> schedules = new LinkedHashMap<>();
        all.forEach((kind, entry) -> {
            String field = "schedule." + kind;
            if (!probeKinds.contains(kind)) {
                p.add(field, "unknown probe '" + kind + "' (known: "
                        + String.join(", ", probeKinds.stream().sorted().toList()) + ")");
                return;
            }
            if (kind.equals(AvailabilityProbe.KIND) && !available) {
                p.add(field, "needs an availability block (its URLs and keyword)");
                return;
            }
            if (kind.equals(IcpProbe.KIND) && !icp) {
                p.add(field, "needs an icp block (the domain to look up)");
                return;
            }
            if (kind.equals(ReviewsProbe.KIND) && !reviews) {
                p.add(field, "needs a reviews block (its sources)");
                return;
            }
            Schedule schedule = schedule(entry, field, kind, p);
            if (schedule != null) {
                schedules.put(kind, schedule);
            }
        });
        return schedules;
    }

    /** Whether the entry sets the purchase schedule's interval or cron itself (a jitter alone does not). */
    private static boolean purchaseScheduleSet(Map<String, PlatformEntry.ScheduleEntry> entries) {
        PlatformEntry.ScheduleEntry entry = entries == null ? null : entries.get("purchase");
        return entry != null && (entry.every() != null || entry.cron() != null);
    }

    /** Purchases a daily budget pays for when each reserves the whole price cap (unbounded for a cap of 0). */
    public static long paidPerDay(BigDecimal daily, BigDecimal priceCap) {
        return priceCap.signum() <= 0 ? Long.MAX_VALUE : daily.divideToIntegralValue(priceCap).longValue();
    }

    /**
     * The default interval of a platform that pays: every {@link #DEFAULT_EVERY}, or as often as its daily budget
     * pays for at its price cap, whichever is less often (whole minutes). Its purchases are then spread over the
     * day rather than all bought in the day's first hours, the rest of its fires refused by the budget.
     */
    public static Duration pacedEvery(BigDecimal daily, BigDecimal priceCap) {
        long paid = paidPerDay(daily, priceCap);
        if (paid <= 0) {
            return DEFAULT_EVERY;
        }
        Duration paced = Duration.ofMinutes((Duration.ofDays(1).toMinutes() + paid - 1) / paid);
        return paced.compareTo(DEFAULT_EVERY) > 0 ? paced : DEFAULT_EVERY;
    }

    private Schedule schedule(PlatformEntry.ScheduleEntry entry, String field, String kind, Problems p) {
        boolean spends = kind.equals("purchase");
        Duration every = switch (kind) {
            case "purchase" -> DEFAULT_EVERY;
            case "icp" -> DEFAULT_ICP_EVERY;
            case "reviews" -> DEFAULT_REVIEWS_EVERY;
            default -> DEFAULT_AVAILABILITY_EVERY;
        };
        if (entry == null) {
            return new Schedule(every, null, spends ? DEFAULT_JITTER : every.dividedBy(6));
        }
        if (entry.every() != null && entry.cron() != null) {
            p.add(field, "set either 'every' or 'cron', not both");
            return null;
        }
        Duration jitter = duration(entry.jitter(), Duration.ZERO, field + ".jitter", p);
        Duration spacing;
        String cron = null;
        if (entry.cron() != null) {
            cron = entry.cron().trim();
            spacing = cronSpacing(cron, field + ".cron", p);
        } else {
            spacing = duration(entry.every(), every, field + ".every", p);
        }
        if (spacing == null || jitter == null) {
            return null;
        }
        String which = cron == null ? ".every" : ".cron";
        Duration floor = spends ? limits.minInterval() : FREE_PROBE_FLOOR.compareTo(limits.minInterval()) < 0
                ? FREE_PROBE_FLOOR : limits.minInterval();
        if (spacing.compareTo(floor) < 0) {
            p.add(field + which, (cron == null ? human(spacing) : "fires every " + human(spacing) + ", which")
                    + " is below the floor of " + human(floor) + (spends ? " (cardwatch.schedule.min-interval)"
                            : " for probes that spend nothing"));
            return null;
        }
        if (jitter.compareTo(spacing) >= 0) {
            p.add(field + ".jitter", human(jitter) + " is not shorter than the interval " + human(spacing));
            return null;
        }
        return new Schedule(cron == null ? spacing : null, cron, jitter);
    }

    /** The shortest gap between the next few fire times of a Quartz cron expression. */
    private Duration cronSpacing(String cron, String field, Problems p) {
        CronExpression expression;
        try {
            expression = new CronExpression(cron);
        } catch (java.text.ParseException e) {
            p.add(field, "'" + cron + "' is not a Quartz cron expression: " + e.getMessage());
            return null;
        }
        expression.setTimeZone(TimeZone.getTimeZone(limits.timeZone()));
        List<java.time.Instant> fires = Schedule.cronFires(expression, null, 51);
        Duration shortest = null;
        for (int i = 1; i < fires.size(); i++) {
            Duration gap = Duration.between(fires.get(i - 1), fires.get(i));
            shortest = shortest == null || gap.compareTo(shortest) < 0 ? gap : shortest;
        }
        if (shortest == null) {
            p.add(field, "'" + cron + "' never fires again");
        }
        return shortest;
    }

    private static Duration duration(String text, Duration fallback, String field, Problems p) {
        if (text == null) {
            return fallback;
        }
        try {
            Duration d = DurationStyle.detectAndParse(text.trim());
            if (d.isNegative()) {
                p.add(field, "'" + text + "' is negative");
                return null;
            }
            return d;
        } catch (IllegalArgumentException e) {
            p.add(field, "'" + text + "' is not a duration (examples: 30s, 15m, 1h)");
            return null;
        }
    }

    private static URI url(String text, String field, Problems p) {
        try {
            URI uri = new URI(text.trim());
            if (uri.isAbsolute() && ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
                    && uri.getHost() != null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        p.add(field, "'" + text + "' is not an absolute http(s) URL");
        return null;
    }

    /** Names are shown on pages and in logs: one line, no control characters. */
    private static void plainText(String value, String field, Problems p) {
        if (value.chars().anyMatch(c -> Character.isISOControl(c) || c == '\u2028' || c == '\u2029')) {
            p.add(field, "must not contain line breaks or other control characters");
        }
    }

    private static boolean required(String value, String field, Problems p) {
        if (value == null || value.isBlank()) {
            p.add(field, "is required");
            return false;
        }
        return true;
    }

    /** Yuan with two decimals, as everywhere in Cardwatch. */
    private static BigDecimal money(BigDecimal amount) {
        return amount == null ? null : amount.setScale(2, java.math.RoundingMode.HALF_UP);
    }

    private static String yuan(BigDecimal amount) {
        return amount.setScale(2, java.math.RoundingMode.HALF_UP).toPlainString();
    }

    /** 90s -> 1m30s, 300s -> 5m: how people write intervals. */
    static String human(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        StringBuilder out = new StringBuilder();
        long h = d.toHours();
        int m = d.toMinutesPart();
        int s = d.toSecondsPart();
        int ms = d.toMillisPart();
        if (h > 0) {
            out.append(h).append('h');
        }
        if (m > 0) {
            out.append(m).append('m');
        }
        if (s > 0) {
            out.append(s).append('s');
        }
        if (ms > 0) {
            out.append(ms).append("ms");
        }
        return out.toString();
    }

    /** Collects problems for one platform, each prefixed with the source and the platform. */
    private static final class Problems {
        private final String prefix;
        private final List<String> sink;
        private final Set<String> unread;
        private final Set<String> reported = new java.util.HashSet<>();
        private int count;

        Problems(String prefix, List<String> sink, Set<String> unread) {
            this.prefix = prefix;
            this.sink = sink;
            this.unread = Set.copyOf(unread);
        }

        /** Notes a problem; a field whose value could not be read is reported once, for that. */
        void add(String field, String problem) {
            count++;
            if (unread.contains(field) && !reported.add(field)) {
                return;
            }
            sink.add(prefix + ", field '" + field + "': " + problem);
        }

        int count() {
            return count;
        }
    }
}
