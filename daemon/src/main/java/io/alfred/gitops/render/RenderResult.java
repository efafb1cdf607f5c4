package io.alfred.gitops.render;

import io.alfred.gitops.Revision;
import java.time.Duration;
import java.util.List;

/**
 * The objects of one revision and path, in apply order.
 *
 * @param warnings what Kustomize printed without failing (deprecations and such)
 */
public record RenderResult(
        Revision revision, String path, List<Manifest> manifests, List<String> warnings, Duration duration) {
    public RenderResult {
        manifests = List.copyOf(manifests);
        warnings = List.copyOf(warnings);
    }
}
