package io.alfred.gitops.config;

import java.time.Duration;
import java.util.Map;

/** How to render: which Kustomize, how long it may take, which variables to substitute, and its limits. */
public record RenderSettings(
        String kustomize, Duration timeout, Map<String, String> substitutions, RenderLimits limits) {
    public RenderSettings {
        substitutions = Map.copyOf(substitutions);
    }

    public RenderSettings(String kustomize, Duration timeout, Map<String, String> substitutions) {
        this(kustomize, timeout, substitutions, RenderLimits.defaults());
    }
}
