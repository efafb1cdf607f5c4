package io.alfred.gitops.config;

/**
 * Bounds on every YAML text the daemon parses (source files before Kustomize runs, Kustomize's
 * output after): aliases per document, nesting depth, nodes per document once aliases are expanded
 * (fifty aliases of aliases can still stand for billions of nodes), and documents per text.
 */
public record YamlLimits(int aliases, int depth, int nodes, int documents) {
    public static YamlLimits defaults() {
        return new YamlLimits(
                Integer.parseInt(Defaults.RENDER_LIMITS_YAML_ALIASES),
                Integer.parseInt(Defaults.RENDER_LIMITS_YAML_DEPTH),
                Integer.parseInt(Defaults.RENDER_LIMITS_YAML_NODES),
                Integer.parseInt(Defaults.RENDER_LIMITS_DOCUMENTS));
    }
}
