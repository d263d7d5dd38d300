package cardwatch.monitor.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** What buyers paste into the search box, and what a platform is known by. */
class DomainsTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "none", textBlock = """
            acg-shop.example                                   | acg-shop.example
            https://www.ACG-Shop.example/goods?id=3#top         | acg-shop.example
            http://user:pw@www.acg-shop.example:8443/          | acg-shop.example
            www.acg-shop.example/index.php?s=/user/order        | acg-shop.example
            acg-shop.example.                                  | acg-shop.example
            m.acg-shop.example/item/1 extra words              | m.acg-shop.example
            https://卡盟.中国/                                   | xn--hlrw93f.xn--fiqs8s
            稳定卡盟                                            | none
            reliable                                           | none
            http://127.0.0.1:8080/                             | none
            localhost:8080                                     | none
            <script>.example                                   | none
            """)
    void aPastedUrlOrDomainBecomesTheDomainAndAnythingElseIsNone(String input, String domain) {
        assertThat(Domains.fromInput(input)).isEqualTo(domain);
    }

    @Test
    void aSubdomainIsWithinItsParentButNotTheOtherWayOrANeighbour() {
        assertThat(Domains.within("m.shop.example", "shop.example")).isTrue();
        assertThat(Domains.within("shop.example", "shop.example")).isTrue();
        assertThat(Domains.within("shop.example", "m.shop.example")).isFalse();
        assertThat(Domains.within("badshop.example", "shop.example")).isFalse();
    }

    @Test
    void aPlatformsDomainsComeFromItsIcpFilingAndItsUrlsButNotFromAddresses() {
        Platform platform = new PlatformConfigLoader(java.util.Set.of("purchase", "availability", "icp"),
                cardwatch.probes.Probes.protocols(), new PlatformConfigLoader.Limits(new java.math.BigDecimal("10"),
                        java.time.Duration.ofMinutes(5), java.time.ZoneId.of("Asia/Shanghai"),
                        new java.math.BigDecimal("10")),
                new SecretResolver(java.util.Map.of("GOOD_SHOP_KEY", "k")::get, null))
                .load(java.nio.file.Path.of("src/test/resources/config/availability-valid.yml")).get(0);
        assertThat(platform.domains()).containsExactly("good.example", "api.good.example");
        assertThat(new Platform("p", "p", "p", java.net.URI.create("http://127.0.0.1:9/"), "yrapi", "1",
                java.util.Map.of(), null, java.util.Map.of(), java.math.BigDecimal.ONE).domains()).isEqualTo(List.of());
    }
}
