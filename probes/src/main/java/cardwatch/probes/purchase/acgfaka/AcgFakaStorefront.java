package cardwatch.probes.purchase.acgfaka;

import cardwatch.probes.PlatformSettings;
import cardwatch.probes.ProbeContext;
import cardwatch.probes.Reason;
import cardwatch.probes.http.HttpAnswer;
import cardwatch.probes.http.HttpTransport;
import cardwatch.probes.http.TransportException;
import cardwatch.probes.purchase.BalanceAnswer;
import cardwatch.probes.purchase.OrderStatus;
import cardwatch.probes.purchase.RefusalClassifier;
import cardwatch.probes.purchase.Transports;
import cardwatch.probes.purchase.storefront.BalancePayer;
import cardwatch.probes.purchase.storefront.Payment;
import cardwatch.probes.purchase.storefront.StoreAnswers;
import cardwatch.probes.purchase.storefront.StoreCaptchaSolver;
import cardwatch.probes.purchase.storefront.StoreOrder;
import cardwatch.probes.purchase.storefront.Storefront;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * The 异次元 (acg-faka) storefront, as lizhipay/acg-faka 3.0.0 to 3.6.0 speak it. Every call is a form POST
 * ({@code $_POST}; a JSON body is not read) answered HTTP 200 with {@code {code:200, data}} or {@code {code:0, msg}}.
 * <ul>
 * <li>Login: {@code /user/api/authentication/login} (username, password) sets the {@code USER_SESSION} cookie; a new
 * login ends the previous session ({@code app/Interceptor/UserVisitor.php} compares {@code login_time}).</li>
 * <li>Order: {@code /user/api/order/trade} with {@code item_id} (3.1.3 on; {@code commodity_id} before), {@code num},
 * {@code contact}, {@code pay_id} (1 is 余额, {@code #system}), {@code request_no} (our client order id: a repeat is
 * refused "The request ID already exists", which sends the run to look the order up). A balance order answers
 * {@code data:{tradeNo, amount, secret, url}}: paid and, for automatic delivery, delivered in that one answer
 * ({@code app/Service/Bind/Order.php} {@code trade} and {@code orderSuccess}).</li>
 * <li>Lookup: a logged-in buyer's order carries a random contact, so it is found by {@code request_no} in
 * {@code /user/api/purchaseRecord/data} ({@code equal-request_no}; the session check wants a {@code Referer} of the
 * store's own host). 3.6 answers {@code data:{list,total}}, 3.0 {@code data:[...]}. Status 1 with
 * {@code delivery_status} 0 is paid but not delivered (正在发货中…); an automatic delivery that found no card is the
 * apology 很抱歉，有人在你付款之前抢走了商品，请联系客服。, which is out of stock.</li>
 * <li>Balance: the newest entry of {@code /user/api/bill/data} ({@code equal-currency=0}) carries it.</li>
 * </ul>
 * The store allows 30 order queries and 40 secret reads per address in 10 minutes; Cardwatch asks at most
 * {@value #LOOKUPS_PER_WINDOW} times in 10 minutes per platform, and a lookup beyond that waits for the next window.
 * A captcha ({@code trade_verification}, {@code login_verification}, on in a fresh install) is our {@code captcha}
 * error unless a {@link StoreCaptchaSolver} solves it.
 */
public final class AcgFakaStorefront implements Storefront {

    public static final String NAME = "acg-faka";
    /** Our account's user name (or e-mail, or phone) at the store. */
    public static final String LOGIN = "store-login";
    public static final String PASSWORD = "store-password";
    /** Optional: a {@code USER_SESSION} cookie value taken from a browser, used before logging in ourselves. */
    public static final String SESSION = "store-session";
    static final String COOKIE = "USER_SESSION";
    /** The version assumed when {@code version} is not set. */
    public static final String DEFAULT_VERSION = "3.6.0";
    /** Lookups (order records, balance) per platform in {@link #WINDOW}: well below the store's own 30. */
    static final int LOOKUPS_PER_WINDOW = 20;
    static final Duration WINDOW = Duration.ofMinutes(10);
    /** What a card that sold out under us reads like ({@code pullCardForLocal}). */
    static final String APOLOGY = "抢走";
    /**
     * The store's columns ({@code kernel/Install/Install.sql}): {@code request_no char(19)}, {@code contact
     * varchar(32)}. A longer value fails the store's INSERT, and the store answers its 404 page; ours are cut to fit.
     */
    static final int REQUEST_NO_LENGTH = 19;
    static final int CONTACT_LENGTH = 32;

    private final StoreCaptchaSolver solver;
    private final Cache<String, Session> sessions = Caffeine.newBuilder().maximumSize(100_000)
            .expireAfterAccess(Duration.ofDays(2)).build();
    private final Cache<String, RateLimiter> limits = Caffeine.newBuilder().maximumSize(100_000)
            .expireAfterAccess(Duration.ofDays(1)).build();

    public AcgFakaStorefront() {
        this(StoreCaptchaSolver.NONE);
    }

    public AcgFakaStorefront(StoreCaptchaSolver solver) {
        this.solver = solver;
    }

    /** One platform's logged-in session, made from the transport it was made with. */
    private record Session(HttpTransport base, HttpTransport http) {
    }

    /** Why something could not be done. */
    private record Failure(Reason reason, String evidence) {
    }

    /** A JSON answer and the raw one. */
    private record Call(HttpAnswer answer, JsonNode root) {
        boolean ok() {
            return root != null && root.path("code").asInt(0) == 200;
        }

        String message() {
            return root == null ? "" : root.path("msg").asString("");
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean hasBalance() {
        return true;
    }

    @Override
    public List<String> balanceCredentials() {
        return List.of(LOGIN, PASSWORD);
    }

    @Override
    public Map<String, String> checkOptions(Map<String, Object> options) {
        Map<String, String> problems = new LinkedHashMap<>();
        for (String key : options.keySet()) {
            if (!key.equals("version")) {
                problems.put(key, "is not an acg-faka option (known: version)");
            }
        }
        Object version = options.get("version");
        if (version != null && Version.parse(String.valueOf(version)) == null) {
            problems.put("version", "'" + version + "' is not an acg-faka version from 3.0.0 on (e.g. 3.0.9, 3.6.0)");
        }
        return problems;
    }

    @Override
    public Created create(PlatformSettings platform, ProbeContext context, boolean fromBalance)
            throws InterruptedException {
        HttpTransport http = fromBalance ? session(platform, context) : context.http().session();
        if (fromBalance) {
            Failure failure = login(platform, http, false);
            if (failure != null) {
                return new Created.Unknown(failure.reason(), failure.evidence(), false);
            }
        }
        Version version = version(platform);
        Map<String, String> form = new LinkedHashMap<>();
        form.put(version.itemId() ? "item_id" : "commodity_id", platform.purchase().productId());
        form.put("num", "1");
        form.put("contact", contact(context));
        form.put("pay_id", method(platform, fromBalance));
        form.put("request_no", requestNo(context));
        form.put("device", "0");
        form.put("card_id", "0");
        form.put("password", "");
        form.put("coupon", "");
        form.put("race", "");
        Call call = null;
        boolean relogged = false;
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                call = post(http, platform, "user/api/order/trade", form);
            } catch (TransportException e) {
                return StoreAnswers.unknown("order", e);
            }
            if (call.root() == null || !call.root().has("code")) {
                return StoreAnswers.unusable("order", call.answer());
            }
            if (call.ok()) {
                break;
            }
            String message = call.message();
            if (RefusalClassifier.classify(message) == Reason.CAPTCHA && !form.containsKey("captcha")) {
                Optional<String> answer = solve(platform, http, "trade");
                if (answer.isEmpty()) {
                    return new Created.Unknown(Reason.CAPTCHA, "the store asks a captcha for every order (" + message
                            + "): it cannot be tested automatically", false);
                }
                form.put("captcha", answer.get());
                continue;
            }
            if (fromBalance && loggedOut(message) && !relogged) {
                relogged = true;
                Failure failure = login(platform, http, true);
                if (failure != null) {
                    return new Created.Unknown(failure.reason(), failure.evidence(), false);
                }
                continue;
            }
            return new Created.Refused(message);
        }
        if (call == null || !call.ok()) {
            return new Created.Refused(call == null ? "" : call.message());
        }
        JsonNode data = call.root().path("data");
        String tradeNo = data.path("tradeNo").asString("");
        if (tradeNo.isEmpty()) {
            return new Created.Unknown(Reason.PROTOCOL_ERROR, "order: the answer has no tradeNo: "
                    + StoreAnswers.snippet(call.answer().body()), true);
        }
        BigDecimal amount = StoreAnswers.decimal(data.path("amount").asString(""));
        Payment payment = new Payment("", data.path("url").asString(""), amount);
        if (!fromBalance) {
            return new Created.Order(new StoreOrder(tradeNo, payment, new OrderStatus(OrderStatus.State.UNPAID,
                    tradeNo, "", "未支付", amount)), false);
        }
        String secret = data.path("secret").asString("");
        return new Created.Order(new StoreOrder(tradeNo, payment, paid(platform, tradeNo, secret, null, amount)),
                true);
    }

    @Override
    public Lookup find(PlatformSettings platform, ProbeContext context) throws InterruptedException {
        boolean balance = platform.payer() != null && BalancePayer.KIND.equals(platform.payer().kind());
        return balance ? record(platform, context) : byContact(platform, context);
    }

    /** Our logged-in order, by its request_no in our purchase records. */
    private Lookup record(PlatformSettings platform, ProbeContext context) throws InterruptedException {
        if (!limiter(platform).acquirePermission()) {
            return new Lookup.Deferred("at most " + LOOKUPS_PER_WINDOW + " lookups in " + WINDOW.toMinutes()
                    + " minutes at " + NAME);
        }
        Reply reply = member(platform, context, "purchase records", "user/api/purchaseRecord/data",
                Map.of("equal-request_no", requestNo(context), "page", "1", "limit", "10"));
        if (reply.failure() != null) {
            return new Lookup.Failed(reply.failure().reason(), reply.failure().evidence());
        }
        Call call = reply.call();
        if (call.root() == null || !call.root().has("code")) {
            return StoreAnswers.failed("purchase records", call.answer());
        }
        if (!call.ok()) {
            return new Lookup.Failed(refusal(call.message()), "purchase records refused: " + call.message());
        }
        for (JsonNode item : list(call.root())) {
            if (requestNo(context).equals(item.path("request_no").asString(""))) {
                return found(platform, item);
            }
        }
        return new Lookup.NotFound("no order with request_no " + requestNo(context));
    }

    /** A guest's order, by the contact we gave ({@code /user/api/index/query}). */
    private Lookup byContact(PlatformSettings platform, ProbeContext context) {
        if (!limiter(platform).acquirePermission()) {
            return new Lookup.Deferred("at most " + LOOKUPS_PER_WINDOW + " lookups in " + WINDOW.toMinutes()
                    + " minutes at " + NAME);
        }
        String contact = contact(context);
        Call call;
        try {
            call = post(context.http(), platform, "user/api/index/query", Map.of("keywords", contact));
        } catch (TransportException e) {
            return StoreAnswers.failed("query", e);
        }
        if (call.root() == null || !call.root().has("code")) {
            return StoreAnswers.failed("query", call.answer());
        }
        if (!call.ok()) {
            if (call.message().contains("无数据")) {
                return new Lookup.NotFound("no order for " + contact);
            }
            if (call.message().contains("频繁")) {
                return new Lookup.Deferred("the store's own limit: " + call.message());
            }
            return new Lookup.Failed(refusal(call.message()), "query refused: " + call.message());
        }
        for (JsonNode item : list(call.root())) {
            if (contact.equals(item.path("contact").asString(""))) {
                return found(platform, item);
            }
        }
        return new Lookup.NotFound("no order for " + contact);
    }

    private Lookup found(PlatformSettings platform, JsonNode item) {
        String tradeNo = item.path("trade_no").asString("");
        BigDecimal amount = StoreAnswers.decimal(item.path("amount").asString(""));
        Payment payment = new Payment("", item.path("pay_url").asString(""), amount);
        int status = item.path("status").asInt(-1);
        if (status == 0) {
            return new Lookup.Found(new StoreOrder(tradeNo, payment, new OrderStatus(OrderStatus.State.UNPAID, tradeNo,
                    "", "未支付", amount)));
        }
        if (status != 1) {
            return new Lookup.Failed(Reason.PROTOCOL_ERROR, "order " + tradeNo + ": unknown status " + status);
        }
        JsonNode delivery = item.path("delivery_status");
        Integer delivered = delivery.isMissingNode() || delivery.isNull() ? null : delivery.asInt(0);
        return new Lookup.Found(new StoreOrder(tradeNo, payment, paid(platform, tradeNo,
                item.path("secret").asString(""), delivered, amount)));
    }

    /**
     * A paid order's state: delivered when the store says so ({@code delivery_status} 1), or, where it does not say
     * (3.0 and the order answer), when the secret is a card or the apology for one that sold out; otherwise still
     * being delivered (正在发货中…, a manual product).
     */
    private static OrderStatus paid(PlatformSettings platform, String tradeNo, String secret, Integer delivered,
            BigDecimal amount) {
        String text = secret == null ? "" : secret.strip();
        boolean done = delivered != null ? delivered == 1
                : !text.isEmpty() && (platform.purchase().codePattern().matcher(text).matches()
                        || text.contains(APOLOGY));
        return done ? new OrderStatus(OrderStatus.State.SUCCESS, tradeNo, text, "已发货", amount)
                : new OrderStatus(OrderStatus.State.PROCESSING, tradeNo, "", text.isEmpty() ? "已支付，等待发货" : text,
                        amount);
    }

    @Override
    public BalanceAnswer balance(PlatformSettings platform, ProbeContext context) throws InterruptedException {
        if (!limiter(platform).acquirePermission()) {
            return new BalanceAnswer.Failed(Reason.INTERNAL, "not asked: at most " + LOOKUPS_PER_WINDOW
                    + " lookups in " + WINDOW.toMinutes() + " minutes at " + NAME);
        }
        Reply reply = member(platform, context, "balance", "user/api/bill/data",
                Map.of("equal-currency", "0", "page", "1", "limit", "1"));
        if (reply.failure() != null) {
            return new BalanceAnswer.Failed(reply.failure().reason(), reply.failure().evidence());
        }
        Call call = reply.call();
        if (call.root() == null || !call.root().has("code")) {
            return new BalanceAnswer.Failed(Reason.PROTOCOL_ERROR, "balance: HTTP " + call.answer().status() + " "
                    + StoreAnswers.snippet(call.answer().body()));
        }
        if (!call.ok()) {
            return new BalanceAnswer.Failed(refusal(call.message()), "balance refused: " + call.message());
        }
        List<JsonNode> bills = list(call.root());
        if (bills.isEmpty()) {
            return new BalanceAnswer.Failed(Reason.CONFIG, "the account has no bill yet, so the store shows no "
                    + "balance: top it up once");
        }
        BigDecimal balance = StoreAnswers.decimal(bills.get(0).path("balance").asString(""));
        return balance == null ? new BalanceAnswer.Failed(Reason.PROTOCOL_ERROR, "balance: the bill has no balance")
                : new BalanceAnswer.Known(balance);
    }

    /** A member's call: its answer, or why there is none. */
    private record Reply(Call call, Failure failure) {
    }

    /**
     * A POST in our logged-in session (the {@code UserSession} pages): logged in first when needed; a refusal that
     * says the session ended (a login elsewhere) logs in again and asks once more.
     */
    private Reply member(PlatformSettings platform, ProbeContext context, String step, String path,
            Map<String, String> form) throws InterruptedException {
        HttpTransport http = session(platform, context);
        Failure failure = login(platform, http, false);
        if (failure != null) {
            return new Reply(null, failure);
        }
        try {
            Call call = post(http, platform, path, form);
            if (call.root() != null && !call.ok() && loggedOut(call.message())) {
                failure = login(platform, http, true);
                if (failure != null) {
                    return new Reply(null, failure);
                }
                call = post(http, platform, path, form);
            }
            return new Reply(call, null);
        } catch (TransportException e) {
            return new Reply(null, new Failure(Transports.reason(e), step + ": " + e.getMessage()));
        }
    }

    /**
     * Makes sure {@code http} is logged in: a session cookie it holds, else the one configured, else a login. With
     * {@code again}, the session was refused and a new login is made.
     *
     * @return null when logged in, else why not
     */
    private Failure login(PlatformSettings platform, HttpTransport http, boolean again) throws InterruptedException {
        URI base = platform.baseUrl();
        synchronized (http) {
            if (!again && http.cookie(base, COOKIE).isPresent()) {
                return null;
            }
            Optional<String> given = platform.credentials().get(SESSION);
            if (!again && given.isPresent()) {
                http.setCookie(base, COOKIE, given.get());
                return null;
            }
            http.clearCookies();
            Map<String, String> form = new LinkedHashMap<>();
            form.put("username", platform.credentials().get(LOGIN).orElse(""));
            form.put("password", platform.credentials().get(PASSWORD).orElse(""));
            for (int attempt = 0; attempt < 2; attempt++) {
                Call call;
                try {
                    call = post(http, platform, "user/api/authentication/login", form);
                } catch (TransportException e) {
                    return new Failure(Transports.reason(e), "login: " + e.getMessage());
                }
                if (call.root() == null || !call.root().has("code")) {
                    return new Failure(call.answer().ok() ? Reason.PROTOCOL_ERROR : Reason.HTTP_ERROR, "login: HTTP "
                            + call.answer().status() + " " + StoreAnswers.snippet(call.answer().body()));
                }
                if (call.ok()) {
                    return http.cookie(base, COOKIE).isPresent() ? null : new Failure(Reason.PROTOCOL_ERROR,
                            "login: the store answered 200 but set no " + COOKIE + " cookie");
                }
                String message = call.message();
                if (RefusalClassifier.classify(message) == Reason.CAPTCHA && !form.containsKey("captcha")) {
                    Optional<String> answer = solve(platform, http, "login");
                    if (answer.isEmpty()) {
                        return new Failure(Reason.CAPTCHA, "the store asks a captcha to log in (" + message + "): set "
                                + SESSION + " to a USER_SESSION cookie from a browser login, or plug in a solver");
                    }
                    form.put("captcha", answer.get());
                    continue;
                }
                return new Failure(RefusalClassifier.classify(message) == Reason.CAPTCHA ? Reason.CAPTCHA
                        : Reason.CREDENTIALS, "login refused: " + message);
            }
            return new Failure(Reason.CAPTCHA, "login: the captcha answer was refused");
        }
    }

    /** Fetches the captcha for {@code purpose} in this session and asks the solver. */
    private Optional<String> solve(PlatformSettings platform, HttpTransport http, String purpose) {
        try {
            HttpTransport.Raw image = http.getBytes(StoreAnswers.endpoint(platform.baseUrl(),
                    "user/captcha/image?action=" + purpose));
            if (image.status() != 200) {
                return Optional.empty();
            }
            return solver.solve(platform.id(), purpose, image.body(), image.contentType()).filter(a -> !a.isBlank());
        } catch (TransportException e) {
            return Optional.empty();
        }
    }

    private HttpTransport session(PlatformSettings platform, ProbeContext context) {
        return sessions.asMap().compute(platform.id(), (id, old) -> old != null && old.base() == context.http() ? old
                : new Session(context.http(), context.http().session())).http();
    }

    private RateLimiter limiter(PlatformSettings platform) {
        return limits.get(platform.id(), id -> RateLimiter.of(NAME + "-" + id, RateLimiterConfig.custom()
                .limitForPeriod(LOOKUPS_PER_WINDOW).limitRefreshPeriod(WINDOW).timeoutDuration(Duration.ZERO)
                .build()));
    }

    private static Call post(HttpTransport http, PlatformSettings platform, String path, Map<String, String> form)
            throws TransportException {
        HttpAnswer answer = http.postForm(StoreAnswers.endpoint(platform.baseUrl(), path), form,
                Map.of("Referer", platform.baseUrl().toString()));
        return new Call(answer, answer.ok() ? StoreAnswers.json(answer.body()) : null);
    }

    /** The rows of a list answer: {@code data.list} from 3.1.3, {@code data} itself before. */
    private static List<JsonNode> list(JsonNode root) {
        JsonNode data = root.path("data");
        JsonNode rows = data.isArray() ? data : data.path("list");
        List<JsonNode> out = new java.util.ArrayList<>();
        rows.forEach(out::add);
        return out;
    }

    /** Our client order id as the store's {@code request_no}: its first 19 characters (ours are hashes). */
    static String requestNo(ProbeContext context) {
        String id = context.clientOrderId();
        return id.length() <= REQUEST_NO_LENGTH ? id : id.substring(0, REQUEST_NO_LENGTH);
    }

    /** The contact a guest order is given: unique per run, at most 32 characters. */
    static String contact(ProbeContext context) {
        String contact = Storefront.contact(context);
        if (contact.length() <= CONTACT_LENGTH) {
            return contact;
        }
        String domain = contact.substring(contact.indexOf('@'));
        return contact.substring(0, CONTACT_LENGTH - domain.length()) + domain;
    }

    /** The store's id for how we pay: the configured method, or 1 (余额) for the balance. */
    private static String method(PlatformSettings platform, boolean fromBalance) {
        String method = platform.payer() == null ? null : platform.payer().method();
        return method != null && !method.isBlank() ? method : fromBalance ? "1" : "";
    }

    /** Whether a refusal says our session is gone (a new login elsewhere ends it). */
    private static boolean loggedOut(String message) {
        return message.contains("登录") || message.contains("会话");
    }

    /** A lookup's refusal: ours when the classifier says so, else the store's unreadable answer. */
    private static Reason refusal(String message) {
        Reason reason = RefusalClassifier.classify(message);
        return reason.outcome() == cardwatch.probes.Outcome.ERROR ? reason : Reason.PROTOCOL_ERROR;
    }

    static Version version(PlatformSettings platform) {
        Object text = platform.options().get("version");
        Version version = Version.parse(text == null ? DEFAULT_VERSION : String.valueOf(text));
        return version == null ? Version.parse(DEFAULT_VERSION) : version;
    }

    /** An acg-faka release, major.minor.patch. */
    record Version(int major, int minor, int patch) {

        /** 3.1.3 renamed the product field and wrapped lists as {list,total}. */
        boolean itemId() {
            return compareTo(3, 1, 3) >= 0;
        }

        int compareTo(int ma, int mi, int pa) {
            return major != ma ? Integer.compare(major, ma) : minor != mi ? Integer.compare(minor, mi)
                    : Integer.compare(patch, pa);
        }

        static Version parse(String text) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)\\.(\\d+)(?:\\.(\\d+))?")
                    .matcher(text == null ? "" : text.trim());
            if (!m.matches()) {
                return null;
            }
            Version v = new Version(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                    m.group(3) == null ? 0 : Integer.parseInt(m.group(3)));
            return v.compareTo(3, 0, 0) >= 0 ? v : null;
        }
    }
}
