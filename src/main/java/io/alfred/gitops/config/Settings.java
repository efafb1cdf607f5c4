package io.alfred.gitops.config;

/** The validated, effective configuration of one run: configuration keys with command line overrides applied. */
public record Settings(ClusterSettings cluster, SourceSettings source, RenderSettings render, ApplySettings apply,
        SafetySettings safety) {

    public Settings(ClusterSettings cluster, SourceSettings source, RenderSettings render, ApplySettings apply) {
        this(cluster, source, render, apply, SafetySettings.defaults());
    }
}
