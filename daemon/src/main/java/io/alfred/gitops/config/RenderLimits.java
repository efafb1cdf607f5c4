package io.alfred.gitops.config;

import java.time.Duration;

/**
 * Bounds on what one render may read and use ({@code gitops.render.limits.*}): the commit's tree
 * before it is written to disk, the source files
 * under the rendered path and the kustomizations it reaches, the YAML in them, and Kustomize's own
 * memory and CPU time.
 */
public record RenderLimits(
        int checkoutFiles,
        long checkoutSize,
        long fileSize,
        long totalSize,
        int files,
        int objects,
        YamlLimits yaml,
        long kustomizeMemory,
        Duration kustomizeCpu) {
    public static final long MIB = 1024 * 1024;

    public static RenderLimits defaults() {
        return new RenderLimits(
                Integer.parseInt(Defaults.RENDER_LIMITS_CHECKOUT_FILES),
                Sizes.parse("gitops.render.limits.checkout-size", Defaults.RENDER_LIMITS_CHECKOUT_SIZE),
                Sizes.parse("gitops.render.limits.file-size", Defaults.RENDER_LIMITS_FILE_SIZE),
                Sizes.parse("gitops.render.limits.total-size", Defaults.RENDER_LIMITS_TOTAL_SIZE),
                Integer.parseInt(Defaults.RENDER_LIMITS_FILES),
                Integer.parseInt(Defaults.RENDER_LIMITS_OBJECTS),
                YamlLimits.defaults(),
                Sizes.parse("gitops.render.limits.kustomize-memory", Defaults.RENDER_LIMITS_KUSTOMIZE_MEMORY),
                Durations.parse("gitops.render.limits.kustomize-cpu", Defaults.RENDER_LIMITS_KUSTOMIZE_CPU));
    }

    public RenderLimits withCheckout(int maxFiles, long maxBytes) {
        return new RenderLimits(
                maxFiles, maxBytes, fileSize, totalSize, files, objects, yaml, kustomizeMemory, kustomizeCpu);
    }

    public RenderLimits withFileSize(long bytes) {
        return new RenderLimits(
                checkoutFiles, checkoutSize, bytes, totalSize, files, objects, yaml, kustomizeMemory, kustomizeCpu);
    }

    public RenderLimits withTotalSize(long bytes) {
        return new RenderLimits(
                checkoutFiles, checkoutSize, fileSize, bytes, files, objects, yaml, kustomizeMemory, kustomizeCpu);
    }

    public RenderLimits withFiles(int count) {
        return new RenderLimits(
                checkoutFiles, checkoutSize, fileSize, totalSize, count, objects, yaml, kustomizeMemory, kustomizeCpu);
    }

    public RenderLimits withObjects(int count) {
        return new RenderLimits(
                checkoutFiles, checkoutSize, fileSize, totalSize, files, count, yaml, kustomizeMemory, kustomizeCpu);
    }

    public RenderLimits withYaml(YamlLimits bounds) {
        return new RenderLimits(
                checkoutFiles,
                checkoutSize,
                fileSize,
                totalSize,
                files,
                objects,
                bounds,
                kustomizeMemory,
                kustomizeCpu);
    }

    public RenderLimits withKustomizeMemory(long bytes) {
        return new RenderLimits(
                checkoutFiles, checkoutSize, fileSize, totalSize, files, objects, yaml, bytes, kustomizeCpu);
    }
}
