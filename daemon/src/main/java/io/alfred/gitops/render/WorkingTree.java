package io.alfred.gitops.render;

import io.alfred.gitops.Revision;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A directory on disk rendered as it is, uncommitted edits included ({@code render --local},
 * {@code diff --local}, as {@code flux build kustomization --path}). Its root is the top of the git
 * work tree around it, so that an overlay may reach {@code ../../base}; outside git, the directory
 * itself.
 */
public record WorkingTree(Path root, String path) {
    public static final String REVISION = "working tree";

    public static WorkingTree of(Path dir) {
        Path absolute = dir.toAbsolutePath().normalize();
        if (!Files.isDirectory(absolute)) {
            throw new RenderException(dir.toString(), "no such directory (--local)");
        }
        for (Path p = absolute; p != null; p = p.getParent()) {
            if (Files.exists(p.resolve(".git"))) {
                String relative = p.relativize(absolute).toString();
                return new WorkingTree(p, relative.isEmpty() ? "." : relative);
            }
        }
        return new WorkingTree(absolute, ".");
    }

    public RenderResult render(Renderer renderer) {
        return renderer.render(
                root, path, Revision.of(REVISION + " " + root.resolve(path).normalize()));
    }
}
