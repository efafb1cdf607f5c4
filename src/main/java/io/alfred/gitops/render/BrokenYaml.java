package io.alfred.gitops.render;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Kustomize names neither the file nor the line of some YAML errors (a duplicate key comes back as
 * {@code yaml: unmarshal errors: line 5: ...}). When it fails on YAML, the files of the
 * kustomizations it read are parsed with the daemon's own strict parser, which names both.
 */
final class BrokenYaml {
    private BrokenYaml() {
    }

    static boolean isYamlError(String kustomizeMessage) {
        return kustomizeMessage.contains("yaml:") || kustomizeMessage.contains("MalformedYAMLError");
    }

    /** The first YAML file in {@code dirs} (not their subdirectories) that does not parse, as "file:line: problem". */
    static Optional<RenderException> find(Path root, Collection<Path> dirs) {
        for (Path dir : dirs) {
            List<Path> files;
            try (Stream<Path> list = Files.list(dir)) {
                files = list.filter(f -> Files.isRegularFile(f) && (f.toString().endsWith(".yaml")
                        || f.toString().endsWith(".yml"))).sorted().toList();
            } catch (IOException e) {
                continue;
            }
            for (Path file : files) {
                try {
                    YamlDocuments.parse(Files.readString(file, StandardCharsets.UTF_8), root.relativize(file).toString());
                } catch (RenderException e) {
                    return Optional.of(e);
                } catch (IOException e) {
                    // unreadable: Kustomize's message stands
                }
            }
        }
        return Optional.empty();
    }
}
