package cardwatch.monitor.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import cardwatch.monitor.system.SharedDemoService;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The public pages in a real browser: headless Chromium (the Debian packages chromium and chromium-driver),
 * desktop and phone widths, no console errors (a Content-Security-Policy violation is one), screenshots under
 * {@code target/screenshots/}.
 */
class SiteBrowserIT extends SharedDemoService {

    static final String CHROMIUM = "/usr/bin/chromium";
    static final String CHROMEDRIVER = "/usr/bin/chromedriver";

    private static ChromeDriver browser;

    @Autowired
    SiteAggregator aggregator;

    @Autowired
    org.springframework.jdbc.core.simple.JdbcClient jdbc;

    @BeforeAll
    static void startBrowser() {
        for (String binary : List.of(CHROMIUM, CHROMEDRIVER)) {
            assertThat(new File(binary).canExecute()).as(binary + " (apt-get install -y chromium chromium-driver)").isTrue();
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--lang=zh-CN");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER))
                .usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @ParameterizedTest
    @CsvSource({
        "home-desktop,     /,                           1280, 900",
        "home-desktop-en,  /?lang=en,                   1280, 900",
        "search-by-url,    /?q=https%3A%2F%2Fwww.acg-shop.example%2Fbuy, 1280, 900",
        "search-by-url-phone, /?q=acg-shop.example,     390,  844",
        "home-phone,       /,                           390,  844",
        "platform-desktop, /platforms/reliable,         1280, 900",
        "platform-phone,   /platforms/down?lang=en,     390,  844",
        "incidents-phone,  /incidents,                  390,  844",
        "now-desktop,      /platforms/down/now,         1280, 900",
        "report-desktop,   /platforms/risk/report,      1280, 900",
        "report-phone,     /platforms/risk/report?lang=en, 390, 844",
        "compare-desktop,  /compare?p=reliable%2Cdown%2Cslow, 1280, 900",
        "compare-phone,    /compare?p=reliable%2Cdown&lang=en, 390, 844",
        "now-phone,        /platforms/reliable/now?lang=en, 390, 844"})
    void pagesLoadWithoutConsoleErrorsAtDesktopAndPhoneWidths(String name, String path, int width, int height)
            throws Exception {
        await().atMost(Duration.ofSeconds(60)).until(() -> aggregator.ready());
        browser.manage().window().setSize(new Dimension(width, height));
        browser.get("http://localhost:" + port + path);
        assertThat(browser.findElement(By.tagName("h1")).getText()).isNotBlank();
        assertThat(browser.findElements(By.cssSelector("link[rel=stylesheet]"))).hasSize(1);
        String background = browser.findElement(By.cssSelector(".site-header")).getCssValue("border-bottom-style");
        assertThat(background).as("the stylesheet loaded (not blocked by the CSP)").isEqualTo("solid");
        if (width < 700 && path.equals("/")) {
            String display = browser.findElement(By.cssSelector("table.ranking tbody tr")).getCssValue("display");
            assertThat(display).as("one card per platform on a phone").isEqualTo("block");
        }
        long overflow = (Long) browser.executeScript(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
        assertThat(overflow).as("no sideways scrolling of the whole page").isLessThanOrEqualTo(0);
        if (width >= 1280 && (path.equals("/") || path.startsWith("/?"))) {
            long hidden = (Long) browser.executeScript("const w = document.querySelector('.table-wrap');"
                    + " return w.scrollWidth - w.clientWidth;");
            Object widths = browser.executeScript("return Array.from(document.querySelectorAll('.ranking thead th'))"
                    + ".map(th => th.textContent.trim() + '=' + Math.round(th.getBoundingClientRect().width))"
                    + ".join(', ');");
            assertThat(hidden).as("every column of the ranking in view, none behind a scrollbar (%s)", widths)
                    .isLessThanOrEqualTo(0);
        }
        if (path.contains("acg-shop")) {
            assertThat(browser.findElements(By.cssSelector("tbody th .id"))).extracting(WebElement::getText)
                    .containsExactly("acg-shop");
        }

        List<LogEntry> errors = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue()).toList();
        assertThat(errors).as("console errors on " + path).isEmpty();

        Path shots = Path.of("target", "screenshots");
        Files.createDirectories(shots);
        File shot = browser.getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), shots.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * What a buyer reads, in the browser: a platform that was never reached is marked so and has no place; shared
     * places say their difference is not significant; lost callbacks are flagged in the ranking and explained on the
     * platform's page.
     */
    @org.junit.jupiter.api.Test
    void theRankingShowsSharedPlacesUnverifiedPlatformsAndMissingCallbacksInWords() throws Exception {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
            browser.manage().window().setSize(new Dimension(1280, 900));
            browser.get("http://localhost:" + port + "/?lang=zh");
            var typo = browser.findElement(By.xpath("//tr[.//span[@class='id' and text()='typo-shop']]"));
            assertThat(typo.getText()).contains("尚未连通，未验证");
            assertThat(typo.findElement(By.cssSelector("td.rank")).getText()).startsWith("—");
            var notifyLost = browser.findElement(By.xpath("//tr[.//span[@class='id' and text()='notify-lost']]"));
            assertThat(notifyLost.getText()).contains("回调常缺失");
            List<String> tied = browser.findElements(By.cssSelector("td.rank .tie")).stream()
                    .map(org.openqa.selenium.WebElement::getText).toList();
            assertThat(tied).as("shared places").isNotEmpty().allMatch("差别不显著"::equals);
        });
        shoot("home-ties-flags");

        browser.get("http://localhost:" + port + "/platforms/notify-lost?lang=zh");
        assertThat(browser.findElement(By.cssSelector("p.callbacks")).getText())
                .matches("回调缺失 \\d+/\\d+ 次：订单靠我们主动查询才确认到账.*");
        browser.get("http://localhost:" + port + "/platforms/typo-shop?lang=en");
        assertThat(browser.findElement(By.cssSelector("p.unverified")).getText())
                .contains("We have not reached this platform's site once");
        assertThat(browser.findElements(By.cssSelector(".score"))).as("no score for it").isEmpty();
        shoot("platform-unverified-en");
        List<LogEntry> errors = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue()).toList();
        assertThat(errors).isEmpty();
    }

    /** A buyer reports a failed order in the browser: a wrong sum is refused with its message, a right one counted. */
    @org.junit.jupiter.api.Test
    void aBuyerSendsAReportAndAWrongAnswerIsRefusedWithItsMessage() throws Exception {
        browser.manage().window().setSize(new Dimension(390, 844));
        long before = count();
        browser.get("http://localhost:" + port + "/platforms/risk/report?lang=zh");
        browser.findElement(By.cssSelector("input[name=symptom][value=not_received]")).click();
        browser.findElement(By.id("answer")).sendKeys("99");
        browser.findElement(By.cssSelector(".report-form button[type=submit]")).click();
        assertThat(arrived(".field-error").getText()).startsWith("算术题的答案不对");
        assertThat(count()).isEqualTo(before);

        browser.findElement(By.cssSelector("input[name=symptom][value=not_received]")).click();
        java.util.regex.Matcher sum = java.util.regex.Pattern.compile("(\\d) 加 (\\d)")
                .matcher(browser.findElement(By.cssSelector("label[for=answer]")).getText());
        assertThat(sum.find()).isTrue();
        browser.findElement(By.id("answer")).sendKeys(Integer.toString(Integer.parseInt(sum.group(1))
                + Integer.parseInt(sum.group(2))));
        browser.findElement(By.cssSelector(".report-form button[type=submit]")).click();
        assertThat(arrived(".thanks").getText()).startsWith("已记录");
        assertThat(count()).isEqualTo(before + 1);
        shoot("report-sent");
    }

    /**
     * An element of the page a click navigates to: a click returns before the page its form posts to (and the page
     * that redirects to) has loaded, so the old page may still be the one shown.
     */
    private static WebElement arrived(String selector) {
        return new WebDriverWait(browser, Duration.ofSeconds(10))
                .until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(selector)));
    }

    private long count() {
        return jdbc.sql("select count(*) from crowd_report where platform_id = 'risk'").query(Long.class).single();
    }

    private static void shoot(String name) throws Exception {
        Path shots = Path.of("target", "screenshots");
        Files.createDirectories(shots);
        Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), shots.resolve(name + ".png"),
                StandardCopyOption.REPLACE_EXISTING);
    }
}
