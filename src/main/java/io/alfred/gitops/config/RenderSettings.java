package io.alfred.gitops.config;

import java.time.Duration;
import java.util.Map;

/** How to render: which Kustomize, how long it may take, which variables to substitute. */
public record RenderSettings(String kustomize, Duration timeout, Map<String, String> substitutions) {
    public RenderSettings {
        substitutions = Map.copyOf(substitutions);
    }
}
