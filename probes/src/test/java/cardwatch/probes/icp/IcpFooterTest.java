package cardwatch.probes.icp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Footers as sites write them, one row each: the filing found (or none), and what else is noticed. */
class IcpFooterTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            plain 备案                         | <footer>京ICP备12345678号</footer>                                           | 京ICP备12345678号
            with a site suffix                 | <footer>京ICP备10046444号-9</footer>                                         | 京ICP备10046444号-9
            10-digit year-prefixed             | <p>粤ICP备2021012345号-3</p>                                                 | 粤ICP备2021012345号-3
            经营许可证 only                     | <p>京ICP证000007号</p>                                                       | 京ICP证000007号
            备案 preferred to 许可证            | <p>京ICP证000007号 京ICP备10046444号</p>                                     | 京ICP备10046444号
            split across elements              | <p><span>京</span><span>ICP</span>备<a href='#'>12345678</a>号</p>           | 京ICP备12345678号
            split across blocks                | <div>沪</div><div>ICP备</div><div>87654321号</div>                           | 沪ICP备87654321号
            full-width characters              | <p>京ＩＣＰ备１２３４５６７８号－２</p>                                         | 京ICP备12345678号-2
            odd spacing                        | <p>京 ICP 备 1234 5678 号 - 2</p>                                            | 京ICP备12345678号-2
            non-breaking spaces                | <p>浙&nbsp;ICP备&nbsp;11111112号</p>                                          | 浙ICP备11111112号
            zero-width joiners                 | <p>苏&#8203;ICP&#8203;备22222223号</p>                                        | 苏ICP备22222223号
            long dash suffix                   | <p>川ICP备13579246号—1</p>                                                   | 川ICP备13579246号-1
            inside a link to MIIT              | <a href='https://beian.miit.gov.cn/'>闽ICP备19283746号-1</a>                 | 闽ICP备19283746号-1
            a number in a script is no number  | <script>var icp='京ICP备99999998号';</script><p>no filing</p>                | none
            a number in a style is no number   | <style>.x:after{content:'京ICP备99999998号'}</style>                          | none
            a number in a comment is no number | <!-- 京ICP备99999998号 --><p>hi</p>                                           | none
            no footer at all                   | <html><body><h1>卡盟</h1></body></html>                                      | none
            公网安备 only                       | <p>京公网安备 11010802020134号</p>                                            | none
            made-up province still read        | <p>贵ICP备12345678号</p>                                                     | 贵ICP备12345678号
            placeholder digits still read      | <p>鲁ICP备00000000号</p>                                                     | 鲁ICP备00000000号
            """)
    void findsTheFiling(String name, String html, String expected) {
        IcpNumber filing = IcpFooter.read(html).filing();
        assertThat(filing == null ? "none" : filing.text()).isEqualTo(expected);
    }

    static Stream<Arguments> provinces() {
        return IcpFooter.PROVINCES.chars().mapToObj(c -> Arguments.of(String.valueOf((char) c)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("provinces")
    void everyProvinceIsReadAndNoneIsSuspicious(String province) {
        IcpNumber filing = IcpFooter.read("<footer>Copyright © 2026 " + province + "ICP备20260001号-1</footer>")
                .filing();
        assertThat(filing).isNotNull();
        assertThat(filing.province()).isEqualTo(province);
        assertThat(IcpFooter.suspicion(filing)).isNull();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            贵ICP备12345678号    | '贵' is no province abbreviation a filing uses
            云ICP备12345678号    | '云' is no province abbreviation a filing uses
            京ICP备00000000号    | 00000000 is a placeholder number
            粤ICP备66666666号    | 66666666 is a placeholder number
            京ICP备123456789号   | 123456789 is a run of consecutive digits, a placeholder
            京ICP备87654321号    | 87654321 is a run of consecutive digits, a placeholder
            京ICP备163487722号   | 163487722 is neither an 8-digit nor a 10-digit year-prefixed number
            京ICP证1000001号     | 1000001 has 7 digits; ICP证 numbers have 6
            """)
    void madeUpNumbersAreSuspicious(String text, String why) {
        assertThat(IcpFooter.suspicion(IcpFooter.read("<p>" + text + "</p>").filing())).isEqualTo(why);
    }

    /**
     * Footers as they appear on public pages and in site templates (the placeholders are what templates ship and
     * careless sites publish): a real number is read, a stand-in or a made-up number is suspicious, never missing.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            X run                              | <span>京ICP备XXXXXXXX号</span>                                  | placeholder 京ICP备XXXXXXXX号
            X run with an X suffix             | <p>如：京ICP备XXXXXXXX号-X</p>                                  | placeholder 京ICP备XXXXXXXX号-X
            lower-case x                       | <span>京ICP备xxxxxxx号</span>                                   | placeholder 京ICP备xxxxxxx号
            lower-case x, 10 of them           | <a href=''>京ICP备xxxxxxxxxx号 </a>                             | placeholder 京ICP备xxxxxxxxxx号
            x with a site suffix               | <p>沪ICP备xxxxx号-6</p>                                         | placeholder 沪ICP备xxxxx号-6
            upper-case X, suffix -1            | <p>琼ICP备XXXXXXXX号-1</p>                                      | placeholder 琼ICP备XXXXXXXX号-1
            lower-case icp                     | <p>备案号：粤icp备XXXXXXX号-1</p>                               | placeholder 粤icp备XXXXXXX号-1
            asterisks                          | <a>京ICP备*****号</a>                                           | placeholder 京ICP备*****号
            asterisks and digits               | <a>沪ICP备****1号</a>                                           | placeholder 沪ICP备****1号
            full-width asterisks               | <p>京ICP备＊＊＊＊＊＊＊＊号</p>                                | placeholder 京ICP备********号
            licence with asterisks             | <a>京ICP证0******9号</a>                                        | placeholder 京ICP证0******9号
            licence with multiplication signs  | <span>粤ICP证××××××号</span>                                    | placeholder 粤ICP证××××××号
            licence half written               | <p>粤ICP证0301xx号&emsp;不良信息举报</p>                        | placeholder 粤ICP证0301xx号
            licence of X beside a real 备案    | <p>京ICP备16032877号 电信增值业务许可证：粤ICP证XXXXXX号</p>     | placeholder 粤ICP证XXXXXX号
            blanks where the number goes       | <p>京ICP备&nbsp;&nbsp;&nbsp;&nbsp;号</p>                        | placeholder 京ICP备 号
            underscores                        | <p>京ICP备________号</p>                                        | placeholder 京ICP备________号
            ascending 备案                      | <p>京ICP备12345678号-1</p>                                      | suspicious 12345678 is a run of consecutive digits, a placeholder
            ascending, nine digits             | <p>浙ICP备123456789号-3 浙ICP证123456789号</p>                  | suspicious 123456789 is a run of consecutive digits, a placeholder
            descending 备案                     | <p>沪ICP备87654321号</p>                                        | suspicious 87654321 is a run of consecutive digits, a placeholder
            licence of zeros                   | <p>沪ICP证000000号&nbsp;经营许可证编号</p>                        | suspicious 000000 is a placeholder number
            licence of 7 digits                | <div>All Rights Reserved. 沪ICP证1000001号</div>                | suspicious 1000001 has 7 digits; ICP证 numbers have 6
            licence of 8 digits                | <a>沪ICP证08115529号</a>                                        | suspicious 08115529 has 8 digits; ICP证 numbers have 6
            licence of 8 digits, another       | <p>版权所有 粤ICP证10096890号</p>                               | suspicious 10096890 has 8 digits; ICP证 numbers have 6
            real licence                       | <p>ICP备案证书号:京ICP证070359号</p>                             | filing 京ICP证070359号
            real licence with its neighbours   | <p>京公网安备110105000655号　京ICP证041124号</p>                  | filing 京ICP证041124号
            real licence in a MIIT link        | <a href='http://www.miibeian.gov.cn/'>京ICP证090254号</a>       | filing 京ICP证090254号
            real licence without 号            | <li>粤ICP证060797 粤ICP备09082681-1 网络视听许可证0108268</li>  | filing 粤ICP备09082681号-1
            real 备案 beside a B2 licence       | <p>沪ICP备13002172号-3沪ICP证：沪B2-20100043</p>                 | filing 沪ICP备13002172号-3
            a B2 number under an ICP证 label   | <p>浙ICP证B2-20150235</p>                                       | none
            real 备案 with a suffix, spaced     | <p>陕 ICP 备 15002899 号 - 4</p>                                | filing 陕ICP备15002899号-4
            full-width digits                  | <p>苏ＩＣＰ备１９２８３７４６号－１</p>                            | filing 苏ICP备19283746号-1
            10-digit year-prefixed             | <p>粤ICP备2021034512号-2</p>                                    | filing 粤ICP备2021034512号-2
            """)
    void placeholdersAndMadeUpNumbersAreSuspiciousNeverMissing(String name, String html, String expected) {
        IcpFooter.Finding finding = IcpFooter.read(html);
        IcpNumber filing = finding.filing();
        String seen = !finding.placeholders().isEmpty() ? "placeholder " + finding.placeholders().get(0)
                : filing == null ? "none"
                : IcpFooter.suspicion(filing) != null ? "suspicious " + IcpFooter.suspicion(filing)
                : "filing " + filing.text();
        assertThat(seen).isEqualTo(expected);
    }

    @Test
    void aB2LicenceUnderAnIcpLabelIsRead() {
        assertThat(IcpFooter.read("<p>浙ICP证B2-20150235</p>").numbers()).extracting(IcpNumber::text)
                .containsExactly("浙B2-20150235");
    }

    @Test
    void otherLicencesAndTheMiitLinkAreNoticed() {
        IcpFooter.Finding finding = IcpFooter.read("<footer><a href='https://beian.miit.gov.cn/#/Integrated/index'>"
                + "粤ICP备10035961号-1</a> 粤B2-20090059 <img src=x>粤公网安备 44030502008569号</footer>");

        assertThat(finding.linksToMiit()).isTrue();
        assertThat(finding.numbers()).extracting(IcpNumber::text).containsExactly("粤ICP备10035961号-1",
                "粤公网安备44030502008569号", "粤B2-20090059");
        assertThat(finding.filing().base()).isEqualTo("粤ICP备10035961号");
        assertThat(finding.text()).contains("粤ICP备10035961号-1");
    }

    @Test
    void theRealSampleRecordsNumbersAreRead() {
        assertThat(IcpFooter.read("<p>京ICP备10046444号-9</p>").filing().base())
                .as("mi.cn's service licence compares with its main licence").isEqualTo("京ICP备10046444号");
    }

    @Test
    void aGbkPageThatDeclaresNothingIsReadAsGbk() {
        byte[] gbk = "<html><body><p>版权所有 京ICP备12345678号</p></body></html>".getBytes(Charset.forName("GBK"));

        String text = PageText.decode(gbk, "text/html");

        assertThat(IcpFooter.read(text).filing().text()).isEqualTo("京ICP备12345678号");
        assertThat(new String(gbk, StandardCharsets.UTF_8)).doesNotContain("京ICP备");
    }

    @Test
    void declaredCharsetsWinInTheHeaderThenTheMeta() {
        byte[] gbk = "<meta charset=gb2312><p>沪ICP备12345678号</p>".getBytes(Charset.forName("GBK"));
        assertThat(PageText.decode(gbk, null)).contains("沪ICP备12345678号");
        assertThat(PageText.decode("<p>京ICP备12345678号</p>".getBytes(StandardCharsets.UTF_8),
                "text/html; charset=UTF-8")).contains("京ICP备12345678号");
    }

    @Test
    void aHugeHostilePageIsReadQuickly() {
        String filler = "<div onmouseover=\"alert(1)\">卡密 充值 </div>".repeat(20_000);
        IcpFooter.Finding finding = IcpFooter.read("<html><body>" + filler + "<script>while(1){}</script>"
                + "<footer>津ICP备13572468号</footer></body></html>");
        assertThat(finding.filing().text()).isEqualTo("津ICP备13572468号");
    }
}
