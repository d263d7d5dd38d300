package cardwatch.monitor.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Replacing the file's or the API's platforms: what changed, who wins, and who is told. */
class PlatformCatalogTest {

    private static PlatformConfigLoader.Loaded loaded(String id, String every) {
        Platform platform = new Platform(id, id, id, URI.create("http://127.0.0.1:1/"), "yrapi", "1", Map.of(), null,
                Map.of("availability", new Schedule(Duration.parse(every), null, Duration.ZERO)), BigDecimal.TEN);
        return new PlatformConfigLoader.Loaded(platform, "{\"id\":\"" + id + "\",\"every\":\"" + every + "\"}");
    }

    private final List<PlatformCatalog.Change> seen = new ArrayList<>();
    private final PlatformCatalog catalog = PlatformCatalog.of("platforms.yml",
            List.of(loaded("a", "PT1M"), loaded("b", "PT1M")), new SecretResolver(name -> null, null));

    {
        catalog.listen(seen::add);
    }

    private static List<String> ids(List<Platform> platforms) {
        return platforms.stream().map(Platform::id).toList();
    }

    @Test
    void anApiPlatformIsAddedChangedAndRemovedAndEachListenerIsToldWhat() {
        catalog.replaceApi(List.of(loaded("c", "PT1M")));
        assertThat(ids(catalog.all())).containsExactly("a", "b", "c");
        assertThat(catalog.origin("c")).contains(PlatformCatalog.Origin.API);
        assertThat(catalog.origin("a")).contains(PlatformCatalog.Origin.FILE);
        assertThat(ids(seen.get(0).added())).containsExactly("c");
        assertThat(seen.get(0).updated()).isEmpty();
        assertThat(seen.get(0).removed()).isEmpty();

        catalog.replaceApi(List.of(loaded("c", "PT2M")));
        assertThat(ids(seen.get(1).updated())).containsExactly("c");
        assertThat(seen.get(1).before().get("c").schedules().get("availability").every())
                .isEqualTo(Duration.ofMinutes(1));
        assertThat(catalog.find("c").orElseThrow().schedules().get("availability").every())
                .isEqualTo(Duration.ofMinutes(2));

        catalog.replaceApi(List.of());
        assertThat(ids(seen.get(2).removed())).containsExactly("c");
        assertThat(catalog.find("c")).isEmpty();
        assertThat(catalog.origin("c")).isEmpty();
    }

    @Test
    void theSameEntriesAgainChangeNothingAndTellNobody() {
        catalog.replaceApi(List.of(loaded("c", "PT1M")));
        PlatformCatalog.Change again = catalog.replaceApi(List.of(loaded("c", "PT1M")));
        PlatformCatalog.Change file = catalog.replaceFile(List.of(loaded("a", "PT1M"), loaded("b", "PT1M")));

        assertThat(again.isEmpty()).isTrue();
        assertThat(file.isEmpty()).isTrue();
        assertThat(seen).hasSize(1);
    }

    @Test
    void theFileWinsAnIdBothDefineAndTheApisEntryComesBackWhenTheFileDropsIt() {
        catalog.replaceApi(List.of(loaded("b", "PT5M")));
        assertThat(catalog.shadowed()).containsExactly("b");
        assertThat(catalog.origin("b")).contains(PlatformCatalog.Origin.FILE);
        assertThat(catalog.find("b").orElseThrow().schedules().get("availability").every())
                .isEqualTo(Duration.ofMinutes(1));
        assertThat(seen).as("nothing that runs changed").isEmpty();

        PlatformCatalog.Change reread = catalog.replaceFile(List.of(loaded("a", "PT1M")));

        assertThat(catalog.shadowed()).isEmpty();
        assertThat(catalog.origin("b")).contains(PlatformCatalog.Origin.API);
        assertThat(ids(reread.updated())).as("b runs on, from the API's entry").containsExactly("b");
        assertThat(catalog.find("b").orElseThrow().schedules().get("availability").every())
                .isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void aListenerThatFailsDoesNotStopTheOthersOrTheChange() {
        List<String> told = new ArrayList<>();
        PlatformCatalog other = PlatformCatalog.of("platforms.yml", List.of(loaded("a", "PT1M")),
                new SecretResolver(name -> null, null));
        other.listen(change -> {
            throw new IllegalStateException("broken listener");
        });
        other.listen(change -> told.add(change.toString()));

        other.replaceFile(List.of(loaded("a", "PT1M"), loaded("z", "PT1M")));

        assertThat(told).containsExactly("1 added, 0 changed, 0 removed");
        assertThat(ids(other.all())).containsExactly("a", "z");
    }
}
