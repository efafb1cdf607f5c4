package io.alfred.gitops.config;

import java.util.Optional;

/** Command line options that override the configuration key of the same meaning. */
public record Overrides(
        Optional<String> repo,
        Optional<String> ref,
        Optional<String> path,
        Optional<String> cluster,
        Optional<String> environment) {

    public static Overrides none() {
        return new Overrides(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }
}
