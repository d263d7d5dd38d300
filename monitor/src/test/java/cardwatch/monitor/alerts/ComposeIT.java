package cardwatch.monitor.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import cardwatch.monitor.support.LocalBinary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The compose stack, without a Docker engine: Debian's docker-compose validates the file and prints it resolved;
 * promtool checks the stack's Prometheus config; every file the stack mounts from the repository exists.
 */
class ComposeIT {

    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final Path COMPOSE = ROOT.resolve("compose");

    @Test
    void theComposeFileValidatesAndHoldsTheWholeStack() throws Exception {
        LocalBinary.Result config = LocalBinary.run(COMPOSE, "/usr/bin/docker-compose", "-f", "docker-compose.yml",
                "config");
        assertThat(config.exit()).as(config.output()).isZero();
        JsonNode stack = YAMLMapper.builder().build().readTree(config.output());
        assertThat(stack.path("services").propertyNames()).containsExactlyInAnyOrder("monitor", "postgres",
                "prometheus", "alertmanager", "grafana", "simulator");
        for (JsonNode service : stack.path("services")) {
            String image = service.path("image").asString("");
            if (!image.isEmpty()) {
                assertThat(image).as("pinned image").matches(".+:v?[0-9][^:]*").doesNotEndWith(":latest");
            }
        }
        assertThat(stack.path("services").path("monitor").path("environment").path("SPRING_DATASOURCE_URL")
                .asString()).startsWith("jdbc:postgresql://postgres:");
        assertThat(config.output()).doesNotContainPattern("(?i)password: [^\\s]+\\n");
    }

    @Test
    void everyFileTheStackMountsExistsAndPrometheusAcceptsItsConfig() throws Exception {
        JsonNode stack = YAMLMapper.builder().build().readTree(COMPOSE.resolve("docker-compose.yml").toFile());
        List<String> mounted = new ArrayList<>();
        for (JsonNode service : stack.path("services")) {
            for (JsonNode volume : service.path("volumes")) {
                String source = volume.asString().split(":")[0];
                if (source.startsWith(".") && !source.startsWith("./secrets")) {
                    mounted.add(source);
                }
            }
            JsonNode build = service.path("build");
            if (!build.isMissingNode()) {
                mounted.add(build.path("context").asString() + "/" + build.path("dockerfile").asString());
            }
        }
        assertThat(mounted).hasSizeGreaterThanOrEqualTo(9).contains("./platforms.yml", "./simulator.properties");
        for (String path : mounted) {
            Path file = COMPOSE.resolve(path).normalize();
            assertThat(file).as(path).exists();
            // each mounted config parses as what it is (amtool, promtool, the monitor and Grafana's provisioning
            // read them further: AlertRulesIT, below, ComposeStackIT, DashboardsIT)
            List<Path> configs = Files.isDirectory(file) ? Files.list(file).toList() : List.of(file);
            for (Path config : configs) {
                String name = config.getFileName().toString();
                if (name.endsWith(".yml") || name.endsWith(".yaml")) {
                    assertThat(YAMLMapper.builder().build().readTree(config.toFile()).isObject()).as(path).isTrue();
                } else if (name.endsWith(".json")) {
                    assertThat(tools.jackson.databind.json.JsonMapper.builder().build().readTree(config.toFile())
                            .isObject()).as(path).isTrue();
                } else if (name.endsWith(".properties")) {
                    java.util.Properties properties = new java.util.Properties();
                    try (var in = Files.newBufferedReader(config)) {
                        properties.load(in);
                    }
                    assertThat(properties).as(path).isNotEmpty();
                }
            }
        }
        LocalBinary.Result checked = LocalBinary.run(COMPOSE, "/usr/bin/promtool", "check", "config",
                "prometheus.yml");
        assertThat(checked.exit()).as(checked.output()).isZero();
    }

    @Test
    void theClusterFileValidatesWithTwoMonitorsOnPostgresBothScraped() throws Exception {
        LocalBinary.Result config = LocalBinary.run(COMPOSE, "/usr/bin/docker-compose", "-f", "docker-compose.yml",
                "-f", "docker-compose.cluster.yml", "config");
        assertThat(config.exit()).as(config.output()).isZero();
        JsonNode services = YAMLMapper.builder().build().readTree(config.output()).path("services");
        for (String monitor : List.of("monitor", "monitor-2")) {
            JsonNode environment = services.path(monitor).path("environment");
            assertThat(environment.path("SPRING_PROFILES_ACTIVE").asString()).as(monitor).isEqualTo("cluster");
            assertThat(environment.path("CARDWATCH_PLATFORMS_FILE").asString()).as(monitor)
                    .isEqualTo("/etc/cardwatch/platforms.yml");
            assertThat(services.path(monitor).path("volumes").toString()).as(monitor)
                    .contains("platforms.yml:/etc/cardwatch/platforms.yml:ro");
            assertThat(environment.path("SPRING_DATASOURCE_URL").asString()).as(monitor)
                    .isEqualTo("jdbc:postgresql://postgres:5432/cardwatch");
        }
        assertThat(services.path("prometheus").path("volumes").toString())
                .contains("prometheus-cluster.yml:/etc/prometheus/prometheus.yml");
        assertThat(config.output()).doesNotContainPattern("(?i)password: [^\\s]+\\n");
        LocalBinary.Result checked = LocalBinary.run(COMPOSE, "/usr/bin/promtool", "check", "config",
                "prometheus-cluster.yml");
        assertThat(checked.exit()).as(checked.output()).isZero();
        assertThat(java.nio.file.Files.readString(COMPOSE.resolve("prometheus-cluster.yml")))
                .contains("targets: [\"monitor:8080\", \"monitor-2:8080\"]");
    }
}
