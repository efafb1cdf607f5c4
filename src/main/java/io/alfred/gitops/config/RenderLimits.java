package io.alfred.gitops.config;

import java.time.Duration;

/**
 * Bounds on what one render may read and use ({@code gitops.render.limits.*}): the source files
 * under the rendered path and the kustomizations it reaches, the YAML in them, and Kustomize's own
 * memory and CPU time.
 */
public record RenderLimits(long fileSize, long totalSize, int files, int objects, YamlLimits yaml,
        long kustomizeMemory, Duration kustomizeCpu) {
    public static final long MIB = 1024 * 1024;

    public static RenderLimits defaults() {
        return new RenderLimits(4 * MIB, 64 * MIB, 10_000, 10_000, YamlLimits.defaults(), 512 * MIB, Duration.ofSeconds(60));
    }

    public RenderLimits withFileSize(long bytes) {
        return new RenderLimits(bytes, totalSize, files, objects, yaml, kustomizeMemory, kustomizeCpu);
    }

    public RenderLimits withTotalSize(long bytes) {
        return new RenderLimits(fileSize, bytes, files, objects, yaml, kustomizeMemory, kustomizeCpu);
    }

    public RenderLimits withFiles(int count) {
        return new RenderLimits(fileSize, totalSize, count, objects, yaml, kustomizeMemory, kustomizeCpu);
    }

    public RenderLimits withObjects(int count) {
        return new RenderLimits(fileSize, totalSize, files, count, yaml, kustomizeMemory, kustomizeCpu);
    }

    public RenderLimits withYaml(YamlLimits bounds) {
        return new RenderLimits(fileSize, totalSize, files, objects, bounds, kustomizeMemory, kustomizeCpu);
    }

    public RenderLimits withKustomizeMemory(long bytes) {
        return new RenderLimits(fileSize, totalSize, files, objects, yaml, bytes, kustomizeCpu);
    }
}
