package io.alfred.gitops.config;

/** The validated, effective configuration of one run: configuration keys with command line overrides applied. */
public record Settings(
        ClusterSettings cluster,
        SourceSettings source,
        RenderSettings render,
        ApplySettings apply,
        SafetySettings safety,
        DriftSettings drift,
        VerifySettings verify,
        PromotionSettings promotion) {

    public Settings(
            ClusterSettings cluster,
            SourceSettings source,
            RenderSettings render,
            ApplySettings apply,
            SafetySettings safety,
            DriftSettings drift) {
        this(cluster, source, render, apply, safety, drift, VerifySettings.off());
    }

    public Settings(
            ClusterSettings cluster,
            SourceSettings source,
            RenderSettings render,
            ApplySettings apply,
            SafetySettings safety,
            DriftSettings drift,
            VerifySettings verify) {
        this(cluster, source, render, apply, safety, drift, verify, PromotionSettings.none());
    }

    public Settings(ClusterSettings cluster, SourceSettings source, RenderSettings render, ApplySettings apply) {
        this(cluster, source, render, apply, SafetySettings.defaults());
    }

    public Settings(
            ClusterSettings cluster,
            SourceSettings source,
            RenderSettings render,
            ApplySettings apply,
            SafetySettings safety) {
        this(cluster, source, render, apply, safety, DriftSettings.defaults());
    }
}
