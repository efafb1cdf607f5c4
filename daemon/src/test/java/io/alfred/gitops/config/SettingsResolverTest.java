package io.alfred.gitops.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.alfred.gitops.Stage;
import io.alfred.gitops.StageException;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Configuration is validated up front; each message names the key and what is wrong. */
class SettingsResolverTest {
    @TempDir
    Path tmp;

    static GitopsConfig config(Map<String, String> properties) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(GitopsConfig.class)
                .withSources(new PropertiesConfigSource(properties, "test", 500))
                .build();
        return config.getConfigMapping(GitopsConfig.class);
    }

    private Map<String, String> valid() {
        Map<String, String> p = new HashMap<>();
        p.put("gitops.cluster.name", "eu-1");
        p.put("gitops.cluster.environment", "prod");
        p.put("gitops.source.url", "https://git.example.com/infra.git");
        return p;
    }

    @Test
    void defaultsFollowDesign() {
        Settings s = SettingsResolver.resolve(config(valid()), Overrides.none());
        assertThat(s.source().ref()).isEqualTo("main");
        assertThat(s.source().path()).isEqualTo("infra/k8s/overlays/prod");
        assertThat(s.source().interval()).isEqualTo(Duration.ofMinutes(1));
        assertThat(s.render().kustomize()).isEqualTo("auto");
        assertThat(s.render().substitutions())
                .containsEntry("cluster_name", "eu-1")
                .containsEntry("cluster_env", "prod");
        // a fight is more than 5 corrections per minute, Config Sync's figure (and the daemon's defaults record)
        assertThat(s.drift())
                .isEqualTo(new DriftSettings(5, Duration.ofMinutes(1)))
                .isEqualTo(DriftSettings.defaults());
    }

    @Test
    void commandLineOverridesKeys() {
        Settings s = SettingsResolver.resolve(
                config(valid()),
                new Overrides(
                        Optional.of("https://other/repo.git"),
                        Optional.of("refs/tags/v2"),
                        Optional.empty(),
                        Optional.of("us-1"),
                        Optional.of("dev"),
                        Optional.empty()));
        assertThat(s.source().url()).isEqualTo("https://other/repo.git");
        assertThat(s.source().ref()).isEqualTo("refs/tags/v2");
        assertThat(s.source().path()).as("the default path follows --env").isEqualTo("infra/k8s/overlays/dev");
        assertThat(s.cluster().name()).isEqualTo("us-1");
    }

    @Test
    void missingUrlAndClusterAreNamed() {
        Map<String, String> p = valid();
        p.remove("gitops.source.url");
        p.remove("gitops.cluster.name");
        assertThatThrownBy(() -> SettingsResolver.resolve(config(p), Overrides.none()))
                .isInstanceOfSatisfying(
                        StageException.class, e -> assertThat(e.stage()).isEqualTo(Stage.CONFIG))
                .hasMessageContaining("gitops.source.url is not set")
                .hasMessageContaining("GITOPS_SOURCE_URL")
                .hasMessageContaining("--repo")
                .hasMessageContaining("gitops.cluster.name is not set")
                .satisfies(e -> assertThat(e.getMessage())
                        .as("every problem on one line, as a person reads an error")
                        .doesNotContain("\n")
                        .contains("; "));
    }

    @Test
    void verifySettingsAreChecked() {
        Map<String, String> p = valid();
        assertThat(SettingsResolver.resolve(config(p), Overrides.none())
                        .verify()
                        .mode())
                .isEqualTo(VerifyMode.OFF);
        p.put("gitops.source.verify.mode", "strict");
        assertThatThrownBy(() -> SettingsResolver.resolve(config(p), Overrides.none()))
                .hasMessageContaining("gitops.source.verify.mode must be off, head, tag or tag-and-head, got 'strict'");
        p.put("gitops.source.verify.mode", "tag-and-head");
        assertThatThrownBy(() -> SettingsResolver.resolve(config(p), Overrides.none()))
                .hasMessageContaining("gitops.source.verify.mode is tag-and-head but no trusted keys are set");
        p.put("gitops.source.verify.allowed-signers-file", "/nonexistent/allowed_signers");
        assertThatThrownBy(() -> SettingsResolver.resolve(config(p), Overrides.none()))
                .hasMessageContaining("gitops.source.verify.allowed-signers-file");
    }

    @Test
    void badIntervalIsNamed() {
        Map<String, String> p = valid();
        p.put("gitops.source.interval", "every minute");
        assertThatThrownBy(() -> SettingsResolver.resolve(config(p), Overrides.none()))
                .hasMessageContaining("gitops.source.interval 'every minute' is not a duration");
        p.put("gitops.source.interval", "0s");
        assertThatThrownBy(() -> SettingsResolver.resolve(config(p), Overrides.none()))
                .hasMessageContaining("gitops.source.interval must be a positive duration");
    }

    @Test
    void durationsAcceptFluxAndIsoForms() {
        assertThat(Durations.parse("k", "1m30s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Durations.parse("k", "500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("k", "2h")).isEqualTo(Duration.ofHours(2));
        assertThat(Durations.parse("k", "PT45S")).isEqualTo(Duration.ofSeconds(45));
    }

    @Test
    void unreadableTokenFileIsNamed() {
        Map<String, String> p = valid();
        p.put("gitops.source.auth.token-file", tmp.resolve("nope").toString());
        assertThatThrownBy(() -> SettingsResolver.resolve(config(p), Overrides.none()))
                .hasMessageContaining("gitops.source.auth.token-file file '" + tmp.resolve("nope")
                        + "' does not exist or is not readable");
    }

    @Test
    void sshNeedsKeyAndKnownHosts() {
        Map<String, String> p = valid();
        p.put("gitops.source.url", "git@github.com:acme/infra.git");
        assertThatThrownBy(() -> SettingsResolver.resolve(config(p), Overrides.none()))
                .hasMessageContaining("gitops.source.auth.ssh-key-file is required for the SSH URL")
                .hasMessageContaining("gitops.source.auth.known-hosts-file is required");
    }

    @Test
    void aLocalDirectoryMustHoldARepository() throws Exception {
        Map<String, String> p = valid();
        p.put("gitops.source.url", tmp.toString());
        assertThatThrownBy(() -> SettingsResolver.resolve(config(p), Overrides.none()))
                .hasMessageContaining("does not hold a git repository");
        Files.createDirectories(tmp.resolve(".git"));
        assertThat(SettingsResolver.resolve(config(p), Overrides.none())
                        .source()
                        .url())
                .startsWith("file:/");
    }

    @Test
    void pathMustStayInsideTheRepository() {
        Map<String, String> p = valid();
        p.put("gitops.source.path", "../elsewhere");
        assertThatThrownBy(() -> SettingsResolver.resolve(config(p), Overrides.none()))
                .hasMessageContaining("gitops.source.path '../elsewhere' must be a path inside the repository");
    }

    @Test
    void pubSubSettingsNeedAProject() {
        Map<String, String> p = valid();
        p.put("gitops.events.topic", "deploys");
        p.put("gitops.trigger.subscription", "pushes");
        assertThatThrownBy(() -> SettingsResolver.resolve(config(p), Overrides.none()))
                .hasMessageContaining("gitops.pubsub.project is not set (required by gitops.events.topic)")
                .hasMessageContaining("gitops.pubsub.project is not set (required by gitops.trigger.subscription)");
        p.put("gitops.pubsub.project", "acme");
        assertThat(SettingsResolver.resolve(config(p), Overrides.none())).isNotNull();
    }

    @Test
    void badSubstitutionNameIsNamed() {
        Map<String, String> p = valid();
        p.put("gitops.render.substitute.bad-name", "x");
        assertThatThrownBy(() -> SettingsResolver.resolve(config(p), Overrides.none()))
                .hasMessageContaining("gitops.render.substitute.bad-name is not a valid variable name");
    }

    @Test
    void durationsAndSizesAreWrittenBackTheWaySettingsAreWritten() {
        assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("1m30s");
        assertThat(Durations.format(Duration.ofMillis(500))).isEqualTo("500ms");
        assertThat(Durations.format(Duration.ofHours(2))).isEqualTo("2h");
        assertThat(Sizes.format(4L << 20)).isEqualTo("4Mi");
        assertThat(Sizes.format(104_857_682)).isEqualTo("100.0Mi");
        assertThat(Sizes.format(512)).isEqualTo("512 bytes");
        assertThat(Sizes.parse("k", Sizes.format(1L << 30))).isEqualTo(1L << 30);
    }
}
