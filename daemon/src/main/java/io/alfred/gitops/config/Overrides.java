package io.alfred.gitops.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Command line options that override the configuration key of the same meaning.
 *
 * @param local {@code --local DIR}: a preview of a directory on disk, which needs no git source
 */
public record Overrides(
        Optional<String> repo,
        Optional<String> ref,
        Optional<String> path,
        Optional<String> cluster,
        Optional<String> environment,
        Optional<Path> local) {

    public static Overrides none() {
        return new Overrides(
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty());
    }
}
