package io.alfred.gitops.testing;

import io.alfred.gitops.config.ApplySettings;
import io.alfred.gitops.config.ClusterSettings;
import io.alfred.gitops.config.RenderSettings;
import io.alfred.gitops.config.Settings;
import io.alfred.gitops.config.SourceSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** The settings most tests run with: cluster {@code test}, default apply settings, one path of a repository. */
public final class TestSettings {
    private TestSettings() {}

    /** The example's overlay for {@code env} ({@code infra/k8s/overlays/<env>}). */
    public static Settings overlay(String url, String env, Path workdir) {
        return path(url, "infra/k8s/overlays/" + env, env, workdir);
    }

    public static Settings path(String url, String path, String env, Path workdir) {
        return new Settings(
                new ClusterSettings("test", env),
                SourceSettings.anonymous(url, "main", path, workdir),
                new RenderSettings("auto", Duration.ofMinutes(1), Map.of("cluster_name", "test", "cluster_env", env)),
                ApplySettings.defaults());
    }
}
