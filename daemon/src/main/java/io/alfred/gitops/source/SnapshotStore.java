package io.alfred.gitops.source;

import io.alfred.gitops.config.Sizes;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * Read-only copies of commit trees, one directory per commit SHA. Rendering from a snapshot
 * rather than a checked-out work tree means no index, no lock files and nothing a crash can leave
 * half-written: a snapshot appears by atomic rename once complete.
 */
final class SnapshotStore {
    static final int KEEP = 3;

    private final Path root;
    private final Map<ObjectId, SnapshotBounds> measured = new ConcurrentHashMap<>();

    SnapshotStore(Path root) {
        this.root = root;
    }

    Path export(Repository repository, ObjectId commitId, SnapshotBounds bounds) throws IOException {
        Path target = root.resolve(commitId.name());
        // a snapshot left by an earlier process (or made under larger bounds) must pass these bounds too
        if (!bounds.equals(measured.get(commitId))) {
            measure(repository, commitId, bounds);
            measured.put(commitId.copy(), bounds);
        }
        if (Files.isDirectory(target)) {
            Files.setLastModifiedTime(target, FileTime.fromMillis(System.currentTimeMillis()));
            return target;
        }
        Files.createDirectories(root);
        Path staging = Files.createTempDirectory(root, ".export-");
        try (RevWalk walk = new RevWalk(repository);
                ObjectReader reader = repository.newObjectReader();
                TreeWalk tree = new TreeWalk(reader)) {
            RevCommit commit = walk.parseCommit(commitId);
            tree.addTree(commit.getTree());
            tree.setRecursive(true);
            while (tree.next()) {
                FileMode mode = tree.getFileMode(0);
                Path file = staging.resolve(tree.getPathString());
                Files.createDirectories(file.getParent());
                if (mode == FileMode.SYMLINK) {
                    String linkTarget =
                            new String(reader.open(tree.getObjectId(0)).getBytes(), StandardCharsets.UTF_8);
                    Files.createSymbolicLink(file, Path.of(linkTarget));
                } else if (mode == FileMode.REGULAR_FILE || mode == FileMode.EXECUTABLE_FILE) {
                    try (OutputStream out = Files.newOutputStream(file)) {
                        reader.open(tree.getObjectId(0)).copyTo(out);
                    }
                }
                // submodules (gitlinks) are not followed
            }
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(staging, target);
            }
        } finally {
            GitSource.deleteRecursively(staging);
        }
        prune(target);
        return target;
    }

    /** Refuses a tree over the bounds from its objects' headers, before a byte is written. */
    private static void measure(Repository repository, ObjectId commitId, SnapshotBounds bounds) throws IOException {
        try (RevWalk walk = new RevWalk(repository);
                ObjectReader reader = repository.newObjectReader();
                TreeWalk tree = new TreeWalk(reader)) {
            tree.addTree(walk.parseCommit(commitId).getTree());
            tree.setRecursive(true);
            int files = 0;
            long bytes = 0;
            while (tree.next()) {
                FileMode mode = tree.getFileMode(0);
                if (mode != FileMode.REGULAR_FILE && mode != FileMode.EXECUTABLE_FILE && mode != FileMode.SYMLINK) {
                    continue;
                }
                if (++files > bounds.files()) {
                    throw new RevisionTooLargeException(
                            commitId.name(),
                            "the commit has more than " + bounds.files()
                                    + " files (gitops.render.limits.checkout-files)");
                }
                bytes += reader.getObjectSize(tree.getObjectId(0), Constants.OBJ_BLOB);
                if (bytes > bounds.bytes()) {
                    throw new RevisionTooLargeException(
                            commitId.name(),
                            "the commit's files exceed " + Sizes.format(bounds.bytes()) + " in all, "
                                    + tree.getPathString() + " included (gitops.render.limits.checkout-size)");
                }
            }
        }
    }

    private void prune(Path keep) throws IOException {
        List<Path> all;
        try (Stream<Path> s = Files.list(root)) {
            all = s.filter(p -> !p.getFileName().toString().startsWith(".") && !p.equals(keep))
                    .sorted(Comparator.comparing(SnapshotStore::modified).reversed())
                    .toList();
        }
        for (int i = KEEP - 1; i < all.size(); i++) {
            GitSource.deleteRecursively(all.get(i));
        }
    }

    private static FileTime modified(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }
}
