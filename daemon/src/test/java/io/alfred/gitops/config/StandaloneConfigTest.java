package io.alfred.gitops.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.runtime.LaunchMode;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;

/**
 * {@link StandaloneConfig}, which {@code render} reads instead of starting the application, resolves
 * the same settings as the configuration the application injects.
 */
@QuarkusTest
class StandaloneConfigTest {
    @Inject
    GitopsConfig injected;

    @Test
    void resolvesWhatTheApplicationResolves() throws Exception {
        Path repo = Files.createTempDirectory("standalone-config");
        Git.init().setDirectory(repo.toFile()).call().close();
        Overrides overrides = new Overrides(
                Optional.of(repo.toString()),
                Optional.empty(),
                Optional.empty(),
                Optional.of("c1"),
                Optional.of("staging"),
                Optional.empty());
        StandaloneConfig standalone = StandaloneConfig.read(LaunchMode.current().getDefaultProfile());

        Settings expected = SettingsResolver.resolve(injected, overrides);
        assertThat(SettingsResolver.resolve(standalone.gitops(), overrides)).isEqualTo(expected);
        assertThat(expected.source().path()).isEqualTo("infra/k8s/overlays/staging");
        assertThat(standalone.value("quarkus.log.console.stderr")).hasValue("true");
    }

    @Test
    void aSystemPropertyWinsOverTheApplicationsProperties() {
        System.setProperty("gitops.render.timeout", "7s");
        try {
            GitopsConfig config = StandaloneConfig.read("prod").gitops();
            assertThat(config.render().timeout()).isEqualTo("7s");
            assertThat(Durations.parse("gitops.render.timeout", config.render().timeout()))
                    .isEqualTo(Duration.ofSeconds(7));
        } finally {
            System.clearProperty("gitops.render.timeout");
        }
        assertThat(StandaloneConfig.read("prod").gitops().render().timeout()).isEqualTo("2m");
    }
}
