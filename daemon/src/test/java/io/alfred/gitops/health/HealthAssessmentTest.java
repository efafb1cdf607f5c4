package io.alfred.gitops.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.alfred.gitops.render.ObjectRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One fixture per case in {@code src/test/resources/health}: a live object with its status as a real
 * cluster reports it, and on its first line the verdict the documented behaviour gives
 * ({@code # expect: <state>[: <message fragment>]}, or {@code none} for a kind without health).
 */
class HealthAssessmentTest {
    static final Path FIXTURES = Path.of("daemon/src/test/resources/health");
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    static Stream<String> fixtures() throws IOException {
        try (Stream<Path> files = Files.list(FIXTURES)) {
            return files
                    .map(f -> f.getFileName().toString())
                    .filter(n -> n.endsWith(".yaml"))
                    .sorted()
                    .toList()
                    .stream();
        }
    }

    @Test
    void thereIsAFixtureForEveryCaseTheIssueNames() throws IOException {
        assertThat(fixtures()).hasSizeGreaterThanOrEqualTo(40);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void verdictFollowsTheDocumentedBehaviour(String fixture) throws IOException {
        String text = Files.readString(FIXTURES.resolve(fixture));
        String expect = text.lines().findFirst().orElseThrow().replaceFirst("^# expect: ", "");
        JsonNode live = YAML.readTree(text);
        ObjectRef ref = ObjectRef.of(
                live.path("apiVersion").asText(),
                live.path("kind").asText(),
                live.path("metadata").path("namespace").asText(),
                live.path("metadata").path("name").asText());
        Optional<Health> health = HealthAssessment.of(ref, live);
        if (expect.equals("none")) {
            assertThat(health).isEmpty();
            return;
        }
        String state = expect.contains(":") ? expect.substring(0, expect.indexOf(':')) : expect;
        assertThat(health).as(fixture).isPresent();
        assertThat(health.get().state().label())
                .as(fixture + ": " + health.get().message())
                .isEqualTo(state);
        if (expect.contains(":")) {
            assertThat(health.get().message()).as(fixture).contains(expect.substring(expect.indexOf(':') + 2));
        }
    }
}
