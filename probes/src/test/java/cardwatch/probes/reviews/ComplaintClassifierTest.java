package cardwatch.probes.reviews;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The second set, written for Cardwatch (corpus.tsv), which the shipped model never saw; the normalisation; and the
 * rules one phrase at a time: the wording, objects, counts, negation and questions of real complaints.
 */
class ComplaintClassifierTest {

    private static final ComplaintClassifier CLASSIFIER = ComplaintClassifier.standard();
    private static final ComplaintClassifier RULES = ComplaintClassifier.rulesOnly();

    static List<RealCorpusTest.Labelled> written() throws IOException {
        List<RealCorpusTest.Labelled> corpus = new ArrayList<>();
        try (InputStream in = ComplaintClassifierTest.class.getResourceAsStream("/reviews/corpus.tsv")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\t", 4);
                corpus.add(new RealCorpusTest.Labelled("written", Set.of(f[0].split(",")), f[1], f[2], f[3]));
            }
        }
        return corpus;
    }

    @Test
    void theWrittenSetIsReadAsWellAsTheRealOneThoughNeverTrainedOn() throws IOException {
        List<RealCorpusTest.Labelled> corpus = written();
        assertThat(corpus).hasSizeGreaterThanOrEqualTo(60);
        RealCorpusTest.Score score = new RealCorpusTest.Score(CLASSIFIER.names());
        corpus.forEach(item -> score.add(item, CLASSIFIER.classify(item.text())));
        String report = score.table("### Written set (" + corpus.size() + " complaints), shipped model");
        System.out.println(report);
        assertThat(score.precision()).as(report).isGreaterThanOrEqualTo(0.80);
        assertThat(score.recall()).as(report).isGreaterThanOrEqualTo(0.80);
    }

    @Test
    void amountsAreRead() throws IOException {
        for (RealCorpusTest.Labelled item : written()) {
            if (!item.amount().equals("-")) {
                assertThat(CLASSIFIER.classify(item.text()).amount()).as(item.text())
                        .isEqualByComparingTo(new BigDecimal(item.amount()));
            }
        }
        assertThat(CLASSIFIER.classify("被扣了五块钱").amount()).isEqualByComparingTo("5");
        assertThat(CLASSIFIER.classify("借款4万元").amount()).isEqualByComparingTo("40000");
        assertThat(CLASSIFIER.classify("一共两千五百块").amount()).isEqualByComparingTo("2500");
        assertThat(CLASSIFIER.classify("扣了¥68.54").amount()).isEqualByComparingTo("68.54");
        assertThat(CLASSIFIER.classify("充值了60美元").amount()).as("dollars are no 元").isNull();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            我扣款了四次他只充了兩次                  | 我扣款了4次他只充了2次
            ＱＱ币充值失败，到帳了嗎？                 | qq币充值失败,到账了吗?
            扣了我两笔相同的费用                      | 扣了我2笔相同的费用
            三百多大洋                                | 300多大洋
            一两个小时，一直没到                      | 一两个小时,一直没到
            借款4万元                                 | 借款40000元
            第一次才冲了五十块，冲动了               | 第1次才充了50块,冲动了
            """)
    void textIsNormalisedBeforeItIsRead(String raw, String normalised) {
        assertThat(ComplaintText.normalise(raw)).isEqualTo(normalised);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            付款成功但是一直没有到账                    | recharge_failed
            退款没有到账                               | refund_pending
            答应退款，三天了还没到                      | refund_pending
            66元至今没退                               | refund_pending
            我的佣金提现一直没到账                      | payout_withheld
            客服回复说已经登记，但没收到任何回复         | support_unresponsive
            扣了2次费                                  | duplicate_charge
            扣了我两笔相同的费用                        | duplicate_charge
            莫名其妙的多支付了好几次                    | duplicate_charge
            我扣款了四次他只充了兩次                    | duplicate_charge
            买了两年的会员                             | other
            激活码就没用了                             | invalid_code
            买的激活码提示失效                          | invalid_code
            礼品卡无法使用                             | invalid_code
            联系不到客服                               | support_unresponsive
            发了三封邮件没人回答                        | support_unresponsive
            已扣款，后台显示未支付                      | paid_unrecorded
            账号被封了，还在自动扣费                    | risk_blocked,billed_after_ban
            提到退款就被客服拉黑了                      | blocked_after_complaint
            服务突然用不了了                            | service_down
            没有跑路，线路升级了                        | other
            我寻思你不能跑路了吧                        | other
            跑路了？？？                               | other
            可能跑路的大机场                            | other
            已经跑路了 别买了                          | scam
            难道我不能认为跑路了？                      | scam
            不是骗子                                   | other
            拒绝退款，客服回复早退了                    | no_refund
            卡密无效而且客服不回复                      | invalid_code,support_unresponsive
            """)
    void theRulesReadWordingObjectsCountsNegationAndQuestions(String text, String categories) {
        assertThat(RULES.classify(text).categories()).isEqualTo(Set.of(categories.split(",")));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            好了，到账了                       | resolved
            问题已成功解决                     | resolved
            我把钱要回来了                     | resolved
            客服回复：正在核实                 | replied
            商家回复：现在应该已经到帐了        | replied
            拒绝退款，客服回复早退了，钱没到    | replied
            还没收到退款                       | open
            充值失败                           | open
            """)
    void theRulesReadTheResolution(String text, String resolution) {
        assertThat(RULES.classify(text).resolution()).isEqualTo(resolution);
    }

    @Test
    void theShippedClassifierReadsTheIssuesOwnExamples() {
        assertThat(CLASSIFIER.classify("退款没有到账，已经过去7天了").categories()).contains("refund_pending")
                .doesNotContain("recharge_failed");
        assertThat(CLASSIFIER.classify("重复支付无法退款，扣款的时候扣了我两笔相同的费用").categories())
                .contains("duplicate_charge");
        assertThat(CLASSIFIER.classify("我寻思你不能跑路了吧").categories()).doesNotContain("scam");
        assertThat(CLASSIFIER.classify("充值未到账。补充：好了，到账了").resolution()).isEqualTo("resolved");
        assertThat(CLASSIFIER.classify("").categories()).containsExactly(ComplaintClassifier.OTHER);
        assertThat(CLASSIFIER.classify(null).resolution()).isEqualTo("open");
    }
}
