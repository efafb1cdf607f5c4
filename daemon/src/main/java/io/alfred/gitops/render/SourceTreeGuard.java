package io.alfred.gitops.render;

import com.fasterxml.jackson.databind.JsonNode;
import io.alfred.gitops.config.YamlLimits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.FileTreeIterator;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.NotIgnoredFilter;

/**
 * Checks a checkout before anything reads it: no symlink may lead outside it, and no
 * kustomization reachable from the rendered path may pull a remote base (a URL), which would make
 * the render depend on something other than the revision being deployed.
 */
final class SourceTreeGuard {
    static final List<String> KUSTOMIZATION_FILES = List.of("kustomization.yaml", "kustomization.yml", "Kustomization");

    private SourceTreeGuard() {}

    /**
     * Every symlink under {@code root} must stay inside it. A git work tree ({@code render --local})
     * is walked as git sees it: what git ignores (build output, dependencies) and {@code .git} are
     * not part of what is rendered, so they are not looked at.
     */
    static void checkSymlinks(Path root) {
        Path realRoot = real(root);
        try (Stream<Path> paths = Files.exists(root.resolve(".git")) ? notIgnored(root) : Files.walk(root)) {
            paths.filter(Files::isSymbolicLink).forEach(link -> {
                try {
                    Path target = link.getParent()
                            .resolve(Files.readSymbolicLink(link))
                            .normalize();
                    Path resolved = Files.exists(target) ? target.toRealPath() : target;
                    if (!resolved.startsWith(realRoot) && !target.startsWith(root)) {
                        throw new RenderException(
                                root.relativize(link).toString(),
                                "symlink leads outside the checkout (to " + Files.readSymbolicLink(link) + ")");
                    }
                } catch (IOException e) {
                    throw new RenderException(
                            root.relativize(link).toString(), "cannot read symlink: " + e.getMessage());
                }
            });
        } catch (IOException e) {
            throw new RenderException(root.toString(), "cannot scan the checkout: " + e.getMessage());
        }
    }

    /** The files of a git work tree that git does not ignore, tracked or not. */
    private static Stream<Path> notIgnored(Path root) throws IOException {
        List<Path> files = new ArrayList<>();
        try (Repository repository = new FileRepositoryBuilder()
                        .setWorkTree(root.toFile())
                        .setMustExist(true)
                        .build();
                TreeWalk walk = new TreeWalk(repository)) {
            walk.addTree(new FileTreeIterator(repository));
            walk.setFilter(new NotIgnoredFilter(0));
            walk.setRecursive(true);
            while (walk.next()) {
                files.add(root.resolve(walk.getPathString()));
            }
        }
        return files.stream();
    }

    /**
     * Walks the kustomizations reachable from {@code dir}; refuses remote resources, bases and components.
     *
     * @return the directories walked, {@code dir} first
     */
    static Set<Path> checkNoRemoteBases(Path root, Path dir, YamlLimits limits) {
        Deque<Path> queue = new ArrayDeque<>(List.of(dir));
        Set<Path> seen = new LinkedHashSet<>();
        while (!queue.isEmpty()) {
            Path current = queue.pop().normalize();
            if (!seen.add(current)) {
                continue;
            }
            Path file = kustomizationFile(current);
            if (file == null) {
                continue;
            }
            String display = root.relativize(file).toString();
            JsonNode k;
            List<YamlDocuments.Document> docs = YamlDocuments.parse(SourceText.read(file, display), display, limits);
            k = docs.isEmpty() ? null : docs.get(0).node();
            if (k == null || !k.isObject()) {
                continue; // Kustomize reports it
            }
            for (String field : List.of("resources", "bases", "components")) {
                for (JsonNode entry : k.path(field)) {
                    String ref = entry.asText();
                    Path local = current.resolve(ref).normalize();
                    if (Files.isDirectory(local)) {
                        queue.add(local);
                    } else if (!Files.exists(local) && looksRemote(ref)) {
                        throw new RenderException(
                                display,
                                "remote " + field.replaceAll("s$", "") + " '" + ref
                                        + "' refused: everything rendered must come from this repository's revision");
                    }
                }
            }
            if (k.has("helmCharts") || k.has("helmChartInflationGenerator")) {
                throw new RenderException(display, "Helm charts are not rendered (helmCharts needs --enable-helm)");
            }
        }
        return seen;
    }

    static Path kustomizationFile(Path dir) {
        for (String name : KUSTOMIZATION_FILES) {
            Path f = dir.resolve(name);
            if (Files.isRegularFile(f)) {
                return f;
            }
        }
        return null;
    }

    static boolean looksRemote(String ref) {
        if (ref.contains("://") || ref.startsWith("git@") || ref.contains("?ref=") || ref.contains("//")) {
            return true;
        }
        String first = ref.split("/", 2)[0];
        return ref.contains("/") && first.contains(".") && !first.equals(".") && !first.equals("..");
    }

    private static Path real(Path p) {
        try {
            return p.toRealPath(LinkOption.NOFOLLOW_LINKS).toRealPath();
        } catch (IOException e) {
            throw new RenderException(p.toString(), "cannot resolve: " + e.getMessage());
        }
    }
}
