package io.alfred.gitops.render;

import io.alfred.gitops.config.YamlLimits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** A path without a kustomization: every YAML file under it, in path order, as Flux does. */
final class PlainManifests {
    private PlainManifests() {}

    static List<Manifest> load(Path root, Path dir, YamlLimits limits) {
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir)) {
            files = s.filter(Files::isRegularFile)
                    .filter(p -> !hidden(dir.relativize(p)))
                    .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new RenderException(root.relativize(dir).toString(), "cannot list files: " + e.getMessage());
        }
        List<Manifest> out = new ArrayList<>();
        for (Path file : files) {
            String display = root.relativize(file).toString();
            out.addAll(ManifestParser.parse(SourceText.read(file, display), display, limits));
        }
        return out;
    }

    private static boolean hidden(Path relative) {
        for (Path part : relative) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }
}
