package io.alfred.gitops.config;

/**
 * Bounds on every YAML text the daemon parses (source files before Kustomize runs, Kustomize's
 * output after): aliases per document, nesting depth and documents per text. They stop "billion
 * laughs" and stack exhaustion before any expansion happens.
 */
public record YamlLimits(int aliases, int depth, int documents) {
    public static YamlLimits defaults() {
        return new YamlLimits(50, 100, 10_000);
    }
}
