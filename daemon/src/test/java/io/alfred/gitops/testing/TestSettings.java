package io.alfred.gitops.testing;

import io.alfred.gitops.config.ApplySettings;
import io.alfred.gitops.config.ClusterSettings;
import io.alfred.gitops.config.DriftSettings;
import io.alfred.gitops.config.PromotionSettings;
import io.alfred.gitops.config.RenderSettings;
import io.alfred.gitops.config.SafetySettings;
import io.alfred.gitops.config.Settings;
import io.alfred.gitops.config.SourceSettings;
import io.alfred.gitops.config.VerifySettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The tests' settings: a builder whose every part not given is the product's default, and the
 * settings most tests run with (cluster {@code test}, one path of a repository).
 */
public final class TestSettings {
    private TestSettings() {}

    /** The example's overlay for {@code env} ({@code infra/k8s/overlays/<env>}). */
    public static Settings overlay(String url, String env, Path workdir) {
        return path(url, "infra/k8s/overlays/" + env, env, workdir);
    }

    public static Settings path(String url, String path, String env, Path workdir) {
        return builder(
                        ClusterSettings.of("test", env),
                        SourceSettings.anonymous(url, "main", path, workdir),
                        new RenderSettings(
                                "auto", Duration.ofMinutes(1), Map.of("cluster_name", "test", "cluster_env", env)))
                .build();
    }

    public static Builder builder(ClusterSettings cluster, SourceSettings source, RenderSettings render) {
        return new Builder(cluster, source, render);
    }

    /** The same settings, to change one part of. */
    public static Builder from(Settings s) {
        return builder(s.cluster(), s.source(), s.render())
                .apply(s.apply())
                .safety(s.safety())
                .drift(s.drift())
                .verify(s.verify())
                .promotion(s.promotion());
    }

    public static final class Builder {
        private final ClusterSettings cluster;
        private final SourceSettings source;
        private final RenderSettings render;
        private ApplySettings apply = ApplySettings.defaults();
        private SafetySettings safety = SafetySettings.defaults();
        private DriftSettings drift = DriftSettings.defaults();
        private VerifySettings verify = VerifySettings.off();
        private PromotionSettings promotion = PromotionSettings.none();

        private Builder(ClusterSettings cluster, SourceSettings source, RenderSettings render) {
            this.cluster = cluster;
            this.source = source;
            this.render = render;
        }

        public Builder apply(ApplySettings apply) {
            this.apply = apply;
            return this;
        }

        public Builder safety(SafetySettings safety) {
            this.safety = safety;
            return this;
        }

        public Builder drift(DriftSettings drift) {
            this.drift = drift;
            return this;
        }

        public Builder verify(VerifySettings verify) {
            this.verify = verify;
            return this;
        }

        public Builder promotion(PromotionSettings promotion) {
            this.promotion = promotion;
            return this;
        }

        public Settings build() {
            return new Settings(cluster, source, render, apply, safety, drift, verify, promotion);
        }
    }
}
