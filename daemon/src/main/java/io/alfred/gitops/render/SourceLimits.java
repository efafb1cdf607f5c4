package io.alfred.gitops.render;

import io.alfred.gitops.config.RenderLimits;
import io.alfred.gitops.config.Sizes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Bounds the input before any parser or child process sees it: the files of the rendered path and
 * of every kustomization it reaches (count, size of each, size of all), and each YAML file parsed
 * with the strict, bounded parser (aliases, nesting), so that an alias bomb is refused here, in
 * milliseconds, instead of costing Kustomize gigabytes. Each refusal names its limit.
 */
final class SourceLimits {
    private SourceLimits() {}

    /** @param checked the YAML files that passed before, by content: not parsed again */
    static void check(Path root, Collection<Path> dirs, RenderLimits limits, CheckedYaml checked) {
        try {
            checkFiles(root, dirs, limits, checked);
        } finally {
            checked.save();
        }
    }

    private static void checkFiles(Path root, Collection<Path> dirs, RenderLimits limits, CheckedYaml checked) {
        Set<Path> files = new TreeSet<>();
        for (Path dir : dirs) {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.filter(Files::isRegularFile).filter(f -> !hidden(dir, f)).forEach(f -> {
                    files.add(f);
                    if (files.size() > limits.files()) {
                        throw new RenderException(
                                root.relativize(dir).toString(),
                                "more than " + limits.files() + " files to read (gitops.render.limits.files)");
                    }
                });
            } catch (IOException e) {
                throw new RenderException(root.relativize(dir).toString(), "cannot list: " + e.getMessage());
            }
        }
        long total = 0;
        for (Path file : files) {
            String display = root.relativize(file).toString();
            long size = size(file, display);
            if (size > limits.fileSize()) {
                throw new RenderException(
                        display,
                        Sizes.format(size) + ", more than " + Sizes.format(limits.fileSize())
                                + " (gitops.render.limits.file-size)");
            }
            total += size;
            if (total > limits.totalSize()) {
                throw new RenderException(
                        display,
                        "the files to render exceed " + Sizes.format(limits.totalSize())
                                + " in all (gitops.render.limits.total-size)");
            }
            if (isYaml(file)) {
                String text = SourceText.read(file, display);
                String digest = CheckedYaml.digest(text, limits.yaml());
                if (!checked.passed(digest)) {
                    YamlDocuments.parse(text, display, limits.yaml());
                    checked.pass(digest);
                }
            }
        }
    }

    private static boolean hidden(Path dir, Path file) {
        for (Path part : dir.relativize(file)) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    private static boolean isYaml(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(".yaml") || name.endsWith(".yml") || name.equals("Kustomization");
    }

    private static long size(Path file, String display) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new RenderException(display, "cannot read: " + e.getMessage());
        }
    }
}
