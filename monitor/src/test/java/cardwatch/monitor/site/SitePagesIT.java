package cardwatch.monitor.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import cardwatch.monitor.system.SharedDemoService;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.parser.Parser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The public pages of the running demo, as HTML a reader's browser gets, in Chinese and English. */
class SitePagesIT extends SharedDemoService {

    @Autowired
    JdbcClient jdbc;

    @Autowired
    SiteAggregator aggregator;

    @Autowired
    SitePages pages;

    private Document page(String path, String... headers) {
        HttpResponse<String> response = client().get(path, headers);
        assertThat(response.statusCode()).as(path).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        return Jsoup.parse(response.body());
    }

    /** Waits until the figures include runs for every demo platform. */
    private void awaitFigures() {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> aggregator.ready()
                && aggregator.snapshot().rows().size() == 15
                && aggregator.snapshot().rows().stream().allMatch(r -> r.success24h().runs() > 0
                        || r.id().equals("down") || r.id().equals("malformed") || r.id().equals("captcha-shop")));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "/|                         |zh-CN|哪家平台可以放心付款？|稳定卡盟",
        "/?lang=en|                 |en   |Which platforms are safe to pay?|Steady Cards",
        "/|en-US,en;q=0.9           |en   |Which platforms are safe to pay?|Steady Cards",
        "/|zh-CN,zh;q=0.9,en;q=0.8  |zh-CN|哪家平台可以放心付款？|稳定卡盟",
        "/?lang=zh|en-US            |zh-CN|哪家平台可以放心付款？|稳定卡盟"})
    void theRankingIsChineseFirstWithEnglishByParameterOrHeader(String path, String acceptLanguage, String lang,
            String heading, String name) {
        awaitFigures();
        Document home = acceptLanguage == null ? page(path) : page(path, "Accept-Language", acceptLanguage);
        assertThat(home.selectFirst("html").attr("lang")).isEqualTo(lang);
        assertThat(home.selectFirst("h1").text()).isEqualTo(heading);
        Element table = home.selectFirst("table.ranking");
        assertThat(table.selectFirst("caption").text()).isNotBlank();
        assertThat(table.select("thead th[scope=col]")).hasSize(11);
        assertThat(table.select("tbody tr")).hasSize(15);
        assertThat(table.select("tbody th[scope=row] a").eachText()).contains(name);
        for (Element row : table.select("tbody tr")) {
            Element grade = row.selectFirst(".grade");
            assertThat(grade.selectFirst("[aria-hidden=true]").text()).as("an icon beside the colour").isNotBlank();
            assertThat(grade.text()).as("a text grade")
                    .matches(".*([A-F]|证据不足|insufficient evidence|尚未连通，未验证|Never reached, unverified)$");
        }
        assertThat(home.select("label[for=q]")).hasSize(1);
        assertThat(home.select("form").eachAttr("method")).as("no admin actions: only the GET filter form")
                .containsOnly("get");
        assertThat(home.select("a[href*=actuator], a[href*=hooks], button:not([type=submit])")).isEmpty();
        String other = home.select("nav a").last().attr("href");
        assertThat(other).endsWith(lang.equals("en") ? "lang=zh" : "lang=en");
    }

    @Test
    void searchFilterAndSortNarrowTheRanking() {
        awaitFigures();
        assertThat(page("/?q=%E7%A8%B3%E5%AE%9A").select("tbody th a:not(.now-link)").eachText())
                .containsExactly("稳定卡盟");
        assertThat(page("/?q=down&lang=en").select("tbody th a:not(.now-link)").eachText())
                .containsExactly("Down For Good");
        assertThat(page("/?q=no-such-platform").select("tbody td").text()).contains("没有符合条件的平台");
        List<String> byName = page("/?sort=name").select("tbody th .id").eachText();
        assertThat(byName).hasSize(15).isSorted();
        assertThat(page("/?grade=%3F").select("tbody .grade").eachText())
                .allMatch(g -> g.endsWith("证据不足") || g.endsWith("尚未连通，未验证"));
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            Document open = page("/?incident=open&lang=en");
            assertThat(open.select("tbody th .id").eachText()).contains("down");
            assertThat(open.select("tbody tr")).allMatch(row -> row.hasClass("has-incident"));
            assertThat(open.selectFirst("#incident").hasAttr("checked")).isTrue();
        });
        assertThat(page("/?sort=bogus&page=-3").select("tbody tr")).as("bad values fall back to defaults").hasSize(15);
    }

    @Test
    void aBuyerFindsAPlatformByThePastedUrlOfItsShopAndIsToldWhenNoneHasIt() {
        awaitFigures();
        Document found = page("/?q=" + java.net.URLEncoder.encode("https://www.acg-shop.example/buy?id=3",
                java.nio.charset.StandardCharsets.UTF_8));
        assertThat(found.select("tbody th .id").eachText()).containsExactly("acg-shop");
        assertThat(found.selectFirst("tbody th .domains").text()).isEqualTo("acg-shop.example");
        assertThat(page("/platforms/acg-shop").selectFirst(".domains").text()).contains("acg-shop.example");

        Document missing = page("/?q=" + java.net.URLEncoder.encode("http://acg-shop.example.evil.test/x",
                java.nio.charset.StandardCharsets.UTF_8));
        assertThat(missing.select("tbody th")).as("a look-alike finds nothing").isEmpty();
        assertThat(missing.selectFirst(".not-watched").text()).startsWith("Cardwatch 还没有监测 "
                + "acg-shop.example.evil.test：");
        assertThat(missing.select("tbody td").text()).contains("请把它的网址发给本站运营者");
        assertThat(page("/?lang=en&q=unwatched.example").selectFirst(".not-watched").text())
                .startsWith("Cardwatch does not watch unwatched.example:");
        assertThat(page("/?q=no-such-platform").select(".not-watched")).as("not a domain: no such line").isEmpty();
    }

    @Test
    void isItJustMeShowsEachProbesLastRunsADayOfHalfHoursAndWhatToDoInOrder() {
        awaitFigures();
        HttpResponse<String> response = client().get("/platforms/down/now");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Cache-Control").orElse("")).contains("max-age=15", "public");
        Document now = Jsoup.parse(response.body());
        assertThat(now.selectFirst("h1").text()).startsWith("是不是只有我？");
        // down never answers: its last runs are failures in words, minutes ago, and its incident is named
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
            Document fresh = Jsoup.parse(client().get("/platforms/down/now").body());
            assertThat(fresh.select(".now-probe[data-probe=purchase] .last").text())
                    .matches("(刚刚|\\d+ 分钟前)：.+").doesNotContain("success", "failure", "_");
            assertThat(fresh.select(".incident").text()).contains("故障中");
        });
        now = Jsoup.parse(client().get("/platforms/down/now").body()); // rendered once its runs were in
        assertThat(now.select(".lane")).isNotEmpty().allSatisfy(lane ->
                assertThat(lane.select("ol.timeline > li")).hasSize(25)); // 24 clock hours and the one under way
        assertThat(now.select(".lane li.state-outage, .lane li.state-degraded")).as("its failures on the timeline")
                .isNotEmpty();
        assertThat(now.select("ol.todo > li").eachAttr("data-step")).containsExactly("record", "status", "bank",
                "support", "refund", "alternatives");
        assertThat(now.select(".alternatives a").eachText()).doesNotContain("宕机卡盟");
        assertThat(now.select(".alternatives a").eachAttr("href")).allMatch(h -> h.startsWith("/platforms/"))
                .noneMatch(h -> h.startsWith("/platforms/down"));
        assertThat(page("/platforms/down").select(".now-link a").attr("href")).startsWith("/platforms/down/now");
        assertThat(page("/?q=down").select(".now-link").attr("href")).startsWith("/platforms/down/now");

        Document english = page("/platforms/reliable/now?lang=en");
        assertThat(english.selectFirst("h1").text()).startsWith("Is it just me?");
        assertThat(english.select(".now-probe[data-probe=purchase] .last").text())
                .matches("(just now|1 minute ago|\\d+ minutes ago): .+");
        assertThat(english.select("[data-step=refund]").text()).isNotBlank();
        assertThat(client().get("/platforms/no-such-shop/now").statusCode()).isEqualTo(404);
    }

    @Test
    void aWatchedPlatformWhoseFiguresAreNotInYetIsBeingComputedNotMissing() {
        // what a platform's pages answer before its row is in the figures (the first second after the start, or
        // just after it was added): the platform pages, its Now page and its report form all answer this
        org.springframework.mock.web.MockHttpServletRequest request =
                new org.springframework.mock.web.MockHttpServletRequest("GET", "/platforms/reliable");
        org.springframework.http.ResponseEntity<String> watched = pages.absent("reliable", request,
                new org.springframework.mock.web.MockHttpServletResponse(), java.util.Locale.ENGLISH);
        assertThat(watched.getStatusCode().value()).isEqualTo(503);
        assertThat(watched.getHeaders().getFirst("Retry-After")).isEqualTo("10");
        Document page = Jsoup.parse(watched.getBody());
        assertThat(page.selectFirst("h1").text()).isEqualTo("Being computed");
        assertThat(page.selectFirst("[role=status]").text()).contains("\u201creliable\u201d are being computed");

        org.springframework.http.ResponseEntity<String> unknown = pages.absent("no-such-shop", request,
                new org.springframework.mock.web.MockHttpServletResponse(), java.util.Locale.SIMPLIFIED_CHINESE);
        assertThat(unknown.getStatusCode().value()).isEqualTo(404);
        assertThat(Jsoup.parse(unknown.getBody()).selectFirst("h1").text()).isEqualTo("没有这个平台");
    }

    @Test
    void beforeTheFiguresAreInTheControllersSayBeingComputedForAWatchedPlatformOnly() {
        SiteAggregator before = org.mockito.Mockito.mock(SiteAggregator.class);
        org.mockito.Mockito.when(before.snapshot()).thenReturn(SiteSnapshot.empty(java.time.Instant.now()));
        org.springframework.mock.web.MockHttpServletRequest request =
                new org.springframework.mock.web.MockHttpServletRequest("GET", "/platforms/reliable");
        request.addParameter("lang", "en");
        PlatformPageController page = new PlatformPageController(before, pages, null, null, null, null, null);
        assertThat(page.platform("reliable", request, new org.springframework.mock.web.MockHttpServletResponse())
                .getStatusCode().value()).isEqualTo(503);
        assertThat(page.platform("no-such-shop", request, new org.springframework.mock.web.MockHttpServletResponse())
                .getStatusCode().value()).isEqualTo(404);

        FeedController feed = new FeedController(before, pages, null);
        org.springframework.http.ResponseEntity<String> badge = feed.grade("reliable", request);
        assertThat(badge.getStatusCode().value()).as("an image: shown, not broken").isEqualTo(200);
        assertThat(badge.getHeaders().getCacheControl()).isEqualTo("no-store");
        assertThat(badge.getBody()).contains("computing").doesNotContain("unknown");
        assertThat(feed.success("reliable", request).getBody()).contains("computing");
        org.springframework.http.ResponseEntity<String> unknown = feed.grade("no-such-shop", request);
        assertThat(unknown.getStatusCode().value()).isEqualTo(404);
        assertThat(unknown.getBody()).contains("unknown");
    }

    @Test
    void theChinesePagesShowNoRawCodesOrBooleansAndTheScoreInputsSayTheirWindow() {
        awaitFigures();
        List<String> inputs = new java.util.ArrayList<>();
        List<String> paths = new java.util.ArrayList<>(List.of("/", "/incidents",
                "/compare?p=reliable,down,slow,risk"));
        for (SiteSnapshot.Row row : aggregator.snapshot().rows()) {
            Document platform = page("/platforms/" + row.id());
            inputs.addAll(platform.select(".inputs li").eachText());
            paths.add("/platforms/" + row.id());
            paths.add("/platforms/" + row.id() + "/now");
        }
        for (String path : paths) {
            assertThat(page(path).select("main").text()).as(path).doesNotContainPattern("\\b[a-z]+_[a-z_]+\\b")
                    .doesNotContain("true", "false", "Wilson", "null");
        }
        assertThat(inputs).anyMatch(i -> i.startsWith("测试购买次数（60 天"))
                .anyMatch(i -> i.matches("成功率的保守估计.*：\\d+\\.\\d%"))
                .anyMatch(i -> i.matches("是否个人备案：[是否]"))
                .anyMatch(i -> i.startsWith("备案状态：") && !i.endsWith("valid"));
        assertThat(page("/platforms/reliable").select("#reasons-heading, h2").eachText())
                .anyMatch(h -> h.startsWith("失败原因（30 天，测试购买和店铺检查合计）"));
    }

    @Test
    void compareShowsTwoToFourPlatformsSideBySideAndNamesWhatItCannotCompare() {
        awaitFigures();
        Document two = page("/compare?p=reliable,down");
        assertThat(two.select("table.compare thead th a").eachText()).containsExactly("稳定卡盟", "宕机卡盟");
        assertThat(two.select("table.compare tbody tr").eachAttr("data-measure")).containsExactly("grade", "score",
                "success24h", "success7d", "success30d", "delivery", "refunds", "icp", "complaints", "incident",
                "lostMoney");
        assertThat(two.select("tr[data-measure=success24h] td").eachText()).allMatch(t -> t.matches(".*\\(\\d+/\\d+\\)")
                || t.equals("—"));
        assertThat(two.select("tr[data-measure=incident] td").get(1).text()).contains("故障中");
        Document repeated = page("/compare?p=reliable&p=slow&p=sup-direct&lang=en");
        assertThat(repeated.select("table.compare thead th a").eachText()).hasSize(3).contains("Steady Cards");
        assertThat(repeated.select("select[name=p] option[selected]").eachAttr("value"))
                .containsExactly("reliable", "slow", "sup-direct");

        Document one = page("/compare?p=reliable");
        assertThat(one.select(".notice").text()).isEqualTo("请选 2 到 4 个平台来比较。");
        assertThat(one.select("table.compare")).isEmpty();
        assertThat(page("/platforms/reliable").select("a.compare-link").attr("href")).startsWith("/compare?p=reliable");
        HttpResponse<String> unknown = client().get("/compare?p=reliable,%3Cscript%3E");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(Jsoup.parse(unknown.body()).select(".notice").text()).isEqualTo("没有这些平台：<script>。请从下面的列表里选。");
        assertThat(unknown.body()).doesNotContain("<script>");
        assertThat(client().get("/compare?p=reliable,slow,down,stuck,risk").statusCode()).isEqualTo(400);
        assertThat(page("/compare").select(".notice")).as("the bare page only asks").isEmpty();
    }

    @Test
    void theRankingAnswersConditionalRequestsWith304() {
        awaitFigures();
        // The figures refresh every 2 s here, so a page may really change between two requests: then the answer is
        // a fresh page with a new ETag. Within a few tries the page must be unchanged and answered with 304.
        assertThat(notModifiedWithin("If-None-Match", "ETag")).isTrue();
        assertThat(notModifiedWithin("If-Modified-Since", "Last-Modified")).isTrue();
        HttpResponse<String> english = client().get("/?lang=en");
        assertThat(english.headers().firstValue("Vary").orElse("")).contains("Accept-Language");
        assertThat(client().get("/", "If-None-Match", english.headers().firstValue("ETag").orElseThrow()).statusCode())
                .as("another language is another page").isEqualTo(200);
        assertThat(client().get("/platforms/reliable").headers().firstValue("ETag")).isPresent();
    }

    @Test
    void pagesAreGzippedForClientsThatAcceptIt() throws Exception {
        awaitFigures();
        for (String path : List.of("/?lang=en", "/platforms/reliable?lang=en")) {
            HttpResponse<byte[]> zipped = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest
                    .newBuilder(java.net.URI.create("http://localhost:" + port + path))
                    .header("Accept-Encoding", "gzip").build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(zipped.headers().firstValue("Content-Encoding")).as(path).contains("gzip");
            String html = new String(new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(zipped.body()))
                    .readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(Jsoup.parse(html).selectFirst("h1").text()).isNotBlank();
            assertThat(zipped.body().length).as("smaller than the page").isLessThan(html.length() / 3);
            assertThat(client().get(path).headers().firstValue("Content-Encoding")).as("not without asking").isEmpty();
        }
    }

    private boolean notModifiedWithin(String condition, String validator) {
        for (int attempt = 0; attempt < 20; attempt++) {
            HttpResponse<String> first = client().get("/?lang=en");
            String value = first.headers().firstValue(validator).orElseThrow();
            HttpResponse<String> again = client().get("/?lang=en", condition, value);
            if (again.statusCode() == 304) {
                assertThat(again.body()).isEmpty();
                return true;
            }
            assertThat(again.statusCode()).isEqualTo(200);
            assertThat(again.headers().firstValue(validator).orElseThrow()).as("a changed page").isNotEqualTo(value);
        }
        return false;
    }

    @Test
    void aPlatformPageShowsScoreBarsChartReasonsIcpAndIncidentsInBothLanguages() {
        awaitFigures();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            // the chart comes from the roll-up, the components from the score: each on its own schedule
            Document page = page("/platforms/reliable");
            assertThat(page.select("svg.chart polyline.p50")).isNotEmpty();
            assertThat(page.select("table.components tbody th").eachText()).contains("到账速度");
        });
        Document zh = page("/platforms/reliable");
        assertThat(zh.selectFirst("html").attr("lang")).isEqualTo("zh-CN");
        assertThat(zh.selectFirst("h1").text()).contains("稳定卡盟");
        assertThat(zh.select("ol.bars")).hasSize(2);
        for (Element bars : zh.select("ol.bars")) {
            assertThat(bars.select("li.bar")).as("90 days").hasSize(90);
            assertThat(bars.attr("aria-label")).isNotBlank();
        }
        Element today = zh.select("ol.bars").first().select("li.bar").last();
        assertThat(today.className()).containsAnyOf("state-ok", "state-degraded", "state-outage");
        assertThat(today.selectFirst(".visually-hidden").text()).matches("\\d{4}-\\d{2}-\\d{2}: .*\\(\\d+/\\d+\\)");
        assertThat(zh.selectFirst("svg.chart title").text()).isEqualTo("到账时间");
        assertThat(zh.select("table.components tbody th").eachText()).contains("购买可靠性", "到账速度");
        assertThat(zh.select("dl.record dd").eachText()).contains("京ICP备16032877号-1", "稳定网络科技有限公司");

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            Document down = page("/platforms/down");
            assertThat(down.select("table.reasons tbody th").eachText()).contains("网站出错");
            assertThat(down.select("table.incidents tbody td").eachText()).contains("⚠ 故障中");
        });
        Document down = page("/platforms/down?lang=en");
        assertThat(down.selectFirst("html").attr("lang")).isEqualTo("en");
        Element siteError = down.select("table.reasons tbody tr").stream()
                .filter(row -> row.selectFirst("th").text().equals("Site error")).findFirst().orElseThrow();
        assertThat(siteError.select("td").last().text()).contains("do not pay while the site misbehaves");
        assertThat(down.select("table.incidents tbody td").eachText()).contains("⚠ Open");

        HttpResponse<String> missing = client().get("/platforms/no-such-shop?lang=en");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(Jsoup.parse(missing.body()).selectFirst("h1").text()).isEqualTo("No such platform");
        assertThat(Jsoup.parse(client().get("/platforms/no-such-shop").body()).selectFirst("h1").text())
                .isEqualTo("没有这个平台");
    }

    /**
     * The demo's dujiaoka shop is measured by checkout only: the ranking and its page say so, in both languages, and
     * it never shows a delivery time; its runs say checkout_only and none spent money.
     */
    @Test
    void aCheckoutOnlyStorefrontSaysWhatItsChecksProveAndNeverClaimsADelivery() {
        awaitFigures();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> jdbc.sql(
                "select count(*) from probe_run where platform_id = 'dujiao-shop' and probe = 'purchase' "
                        + "and outcome = 'success'").query(Long.class).single() > 0);
        Element row = page("/").select("tbody tr").stream()
                .filter(tr -> tr.selectFirst("th a").attr("href").contains("/platforms/dujiao-shop")).findFirst()
                .orElseThrow();
        assertThat(row.select(".flag.mode-checkout").text()).isEqualTo("仅检查下单");
        Element acg = page("/").select("tbody tr").stream()
                .filter(tr -> tr.selectFirst("th a").attr("href").contains("/platforms/acg-shop")).findFirst()
                .orElseThrow();
        assertThat(acg.select(".flag.mode-checkout")).as("a shop paid from our balance is really bought").isEmpty();

        Document zh = page("/platforms/dujiao-shop");
        assertThat(zh.selectFirst("p.notice.mode-checkout").text()).contains("仅检查下单").contains("不能证明");
        Document en = page("/platforms/dujiao-shop?lang=en");
        assertThat(en.selectFirst("p.notice.mode-checkout").text()).contains("checkout only")
                .contains("does not prove that goods arrive");
        assertThat(en.select("table.components tbody th").eachText()).doesNotContain("Delivery speed");
        assertThat(page("/platforms/acg-shop").selectFirst("p.mode-purchase").text()).contains("真实购买");

        List<String> flags = jdbc.sql("select flags from probe_run where platform_id = 'dujiao-shop' "
                + "and probe = 'purchase' and status = 'done'").query(String.class).list();
        assertThat(flags).isNotEmpty().allSatisfy(f -> assertThat(f).contains("checkout_only"));
        assertThat(jdbc.sql("select count(*) from probe_run where platform_id = 'dujiao-shop' and "
                + "(delivery_ms is not null or amount is not null)").query(Long.class).single())
                .as("a checkout spends nothing and sees no delivery").isZero();
    }

    /** The demo's captcha shop asks a captcha for every order: our error, and its page says it cannot be tested. */
    @Test
    void aShopAskingACaptchaSaysItCannotBeTestedAutomaticallyAndIsNotCountedAsFailing() {
        awaitFigures();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> jdbc.sql(
                "select count(*) from probe_run where platform_id = 'captcha-shop' and probe = 'purchase' "
                        + "and reason = 'captcha'").query(Long.class).single() > 0);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                assertThat(page("/platforms/captcha-shop").select("p.notice.untestable")).isNotEmpty());

        assertThat(page("/platforms/captcha-shop").selectFirst("p.notice.untestable").text())
                .contains("验证码").contains("无法自动测试");
        assertThat(page("/platforms/captcha-shop?lang=en").selectFirst("p.notice.untestable").text())
                .contains("cannot test it automatically");
        assertThat(jdbc.sql("select count(*) from probe_run where platform_id = 'captcha-shop' and probe = 'purchase' "
                + "and outcome <> 'error' and status = 'done'").query(Long.class).single())
                .as("a captcha is never the platform's failure").isZero();
    }

    @Test
    void scrapedTextIsShownAsTextAndHostileLinksAreNotLinks() {
        awaitFigures();
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        String[][] hostile = {
            {"x1", "<script>alert('t')</script>", "<img src=x onerror=alert(1)> 没到账", "javascript:alert(1)",
                "paid_unrecorded,scam"},
            {"x2", "<a href=\"javascript:alert(2)\">点我</a>", "<iframe src=//evil></iframe>", "JaVaScRiPt:alert(3)",
                "not_delivered"},
            {"x3", "正常的投诉", "链接是真的", "https://tousu.example/complaint/3", "other"}};
        for (String[] c : hostile) {
            jdbc.sql("insert into complaint (platform_id, source, item_key, content_hash, title, body, author, "
                    + "published_at, url, categories, resolution, first_seen, last_seen, happened_at) "
                    + "values ('slow', 'it', ?, ?, ?, ?, 'tester', '2026-11-20', ?, ?, 'open', ?, ?, ?)")
                    .params(c[0], c[0], c[1], c[2], c[3], c[4], now, now, now).update();
        }
        HttpResponse<String> response = client().get("/platforms/slow");
        Document page = Jsoup.parse(response.body());
        assertThat(page.select("script, iframe, [onerror]")).isEmpty();
        assertThat(page.select("a[href]").eachAttr("href")).noneMatch(href -> href.toLowerCase().contains("javascript"));
        assertThat(response.body()).doesNotContain("<script", "<img src=x", "<iframe");
        assertThat(page.select(".complaints h3").eachText()).contains("<script>alert('t')</script>",
                "<a href=\"javascript:alert(2)\">点我</a>");
        assertThat(page.select(".complaints .body").eachText()).contains("<img src=x onerror=alert(1)> 没到账");
        assertThat(page.select(".complaints a[href]").eachAttr("href")).containsExactly(
                "https://tousu.example/complaint/3");
        assertThat(page.select(".complaints .meta").eachText()).anyMatch(t -> t.contains("javascript:alert(1)"));
        // what each is about, in words: never the raw category, and a category no longer known is left out
        assertThat(page.select(".complaints .about").eachText()).contains("问题类型：已付款却显示未支付 · 跑路 / 诈骗",
                "问题类型：其他问题");
        assertThat(page.select(".complaints").text()).doesNotContain("paid_unrecorded", "not_delivered", "scam");
        assertThat(Jsoup.parse(client().get("/platforms/slow?lang=en").body()).select(".complaints .about")
                .eachText()).contains("About: paid, but the order says unpaid · scam, ran off with the money");
        assertThat(response.headers().firstValue("Content-Security-Policy").orElseThrow())
                .contains("default-src 'none'").doesNotContain("unsafe-inline");
    }

    @Test
    void methodologyAndIncidentPagesInBothLanguages() {
        Document zh = page("/methodology");
        assertThat(zh.selectFirst("h1").text()).isEqualTo("信任分的计算方法");
        assertThat(zh.select("table th").eachText()).contains("项目");
        Document en = page("/methodology?lang=en");
        assertThat(en.selectFirst("h1").text()).isEqualTo("How the trust score is computed");
        assertThat(en.text()).contains("Wilson").doesNotContain("信任分的计算方法");

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            Document incidents = page("/incidents?lang=en");
            assertThat(incidents.selectFirst("h2").text()).startsWith("Open incidents (");
            assertThat(incidents.select("section").first().select("tbody th").eachText()).contains("Down For Good");
        });
        assertThat(page("/incidents").selectFirst("h2").text()).startsWith("当前故障");
    }

    @Test
    void theAtomFeedListsIncidentsAndBadgesAreSvg() {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            HttpResponse<String> feed = client().get("/feed.atom?lang=en");
            assertThat(feed.headers().firstValue("Content-Type").orElse("")).startsWith("application/atom+xml");
            Document xml = Jsoup.parse(feed.body(), Parser.xmlParser());
            assertThat(xml.selectFirst("feed").attr("xmlns")).isEqualTo("http://www.w3.org/2005/Atom");
            assertThat(xml.select("entry title").eachText()).anyMatch(t -> t.contains("Down For Good"));
            assertThat(xml.select("entry link").eachAttr("href")).anyMatch(h -> h.endsWith("/platforms/down?lang=en"));
        });
        awaitFigures();
        for (String badge : List.of("/badge/reliable/grade.svg", "/badge/reliable/success-7d.svg?lang=en")) {
            HttpResponse<String> svg = client().get(badge);
            assertThat(svg.statusCode()).isEqualTo(200);
            assertThat(svg.headers().firstValue("Content-Type").orElse("")).startsWith("image/svg+xml");
            Document doc = Jsoup.parse(svg.body(), Parser.xmlParser());
            assertThat(doc.selectFirst("svg").attr("role")).isEqualTo("img");
            assertThat(doc.selectFirst("title").text()).isNotBlank();
        }
        assertThat(Jsoup.parse(client().get("/badge/reliable/success-7d.svg?lang=en").body(), Parser.xmlParser())
                .selectFirst("title").text()).matches("7 day success: \\d+\\.\\d%");
        assertThat(client().get("/badge/no-such-shop/grade.svg").statusCode()).isEqualTo(404);
    }

    @Test
    void theJsonApiHasAnOpenApiDocument() {
        HttpResponse<String> response = client().get("/v3/api-docs");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode doc = JsonMapper.builder().build().readTree(response.body());
        assertThat(doc.path("openapi").asString()).startsWith("3.");
        assertThat(doc.path("paths").propertyNames()).contains("/api/v1/platforms", "/api/v1/platforms/{id}/score",
                "/api/v1/incidents", "/hooks/alertmanager").doesNotContain("/", "/platforms/{id}");
        JsonNode info = doc.path("info");
        assertThat(info.path("title").asString()).isEqualTo("Cardwatch API");
        assertThat(info.path("version").asString()).as("the build's version, filtered in").matches("\\d+\\.\\d+.*");
        assertThat(info.path("description").asString()).contains("API token");
        assertThat(info.path("contact").path("name").asString()).isNotEmpty();
    }

    @Test
    void theRunbookIsServedWithAnAnchorForEveryAlertAndNoRawHtml() throws java.io.IOException {
        HttpResponse<String> response = client().get("/runbook");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
        Document page = Jsoup.parse(response.body());
        java.util.List<String> alerts = new java.util.ArrayList<>();
        try (var files = java.nio.file.Files.list(java.nio.file.Path.of("..", "alerts", "rules"))) {
            for (java.nio.file.Path file : files.toList()) {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("- alert: (\\w+)")
                        .matcher(java.nio.file.Files.readString(file));
                while (m.find()) {
                    alerts.add(m.group(1));
                }
            }
        }
        assertThat(alerts).hasSizeGreaterThan(10).contains("CardwatchHookDeadLetter");
        for (String alert : alerts) {
            String anchor = alert.toLowerCase(java.util.Locale.ROOT);
            Element heading = page.getElementById(anchor);
            assertThat(heading == null ? null : heading.text()).as("#" + anchor).isEqualTo(alert);
        }
        assertThat(page.select("script, iframe, [onerror]")).isEmpty();
    }
}
