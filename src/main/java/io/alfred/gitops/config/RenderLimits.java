package io.alfred.gitops.config;

import java.time.Duration;

/**
 * Bounds on what one render may read and use ({@code gitops.render.limits.*}): the source files
 * under the rendered path and the kustomizations it reaches, and Kustomize's own memory and CPU time.
 */
public record RenderLimits(long fileSize, long totalSize, int files, int objects, long kustomizeMemory,
        Duration kustomizeCpu) {
    public static final long MIB = 1024 * 1024;

    public static RenderLimits defaults() {
        return new RenderLimits(4 * MIB, 64 * MIB, 10_000, 10_000, 512 * MIB, Duration.ofSeconds(60));
    }
}
