package io.alfred.gitops.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.ResetCommand;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.RefSpec;

/** A real git repository made by a test: write files, commit, tag, rewrite history. */
public final class TestRepo implements AutoCloseable {
    private static final PersonIdent AUTHOR = new PersonIdent("Test Author", "author@example.com");

    private final Path dir;
    private final Git git;

    private TestRepo(Path dir, Git git) {
        this.dir = dir;
        this.git = git;
    }

    public static TestRepo create(Path dir) {
        try {
            Files.createDirectories(dir);
            return new TestRepo(
                    dir,
                    Git.init()
                            .setDirectory(dir.toFile())
                            .setInitialBranch("main")
                            .call());
        } catch (IOException | GitAPIException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A repository holding the bundled example infra repo, committed on main. */
    public static TestRepo withExample(Path dir) {
        TestRepo repo = create(dir);
        repo.copyTree(Path.of("examples/alfred-platform"), "");
        repo.commit("example infra repo");
        return repo;
    }

    public TestRepo copyTree(Path source, String into) {
        try (Stream<Path> files = Files.walk(source)) {
            files.filter(Files::isRegularFile).forEach(f -> {
                String rel = source.relativize(f).toString();
                write(into.isEmpty() ? rel : into + "/" + rel, read(f));
            });
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public TestRepo write(String path, String content) {
        try {
            Path file = dir.resolve(path);
            Files.createDirectories(file.getParent());
            Files.writeString(file, content, StandardCharsets.UTF_8);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public TestRepo writeBytes(String path, byte[] content) {
        try {
            Path file = dir.resolve(path);
            Files.createDirectories(file.getParent());
            Files.write(file, content);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public TestRepo symlink(String path, String target) {
        try {
            Path link = dir.resolve(path);
            Files.createDirectories(link.getParent());
            Files.createSymbolicLink(link, Path.of(target));
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String read(String path) {
        return read(dir.resolve(path));
    }

    /** Replaces the first occurrence of {@code from} in a file. */
    public TestRepo edit(String path, String from, String to) {
        String content = read(path);
        if (!content.contains(from)) {
            throw new IllegalArgumentException(path + " does not contain " + from);
        }
        return write(path, content.replaceFirst(Pattern.quote(from), Matcher.quoteReplacement(to)));
    }

    public TestRepo delete(String path) {
        try {
            Files.delete(dir.resolve(path));
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String commit(String message) {
        try {
            git.add().addFilepattern(".").call();
            git.add().addFilepattern(".").setUpdate(true).call();
            return git.commit()
                    .setMessage(message)
                    .setAuthor(AUTHOR)
                    .setCommitter(AUTHOR)
                    .setSign(false)
                    .call()
                    .name();
        } catch (GitAPIException e) {
            throw new IllegalStateException(e);
        }
    }

    public void tag(String name, boolean annotated) {
        try {
            if (annotated) {
                git.tag()
                        .setName(name)
                        .setAnnotated(true)
                        .setMessage("release " + name)
                        .setTagger(AUTHOR)
                        .setSigned(false)
                        .call();
            } else {
                git.tag().setName(name).setAnnotated(false).call();
            }
        } catch (GitAPIException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A new repository cloned from this one (to prepare commits this one does not have yet). */
    public TestRepo cloneTo(Path dir) {
        try {
            return new TestRepo(
                    dir,
                    Git.cloneRepository()
                            .setURI(url())
                            .setDirectory(dir.toFile())
                            .call());
        } catch (GitAPIException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Takes main from another repository, as a push to this one would. */
    public void fetchMainFrom(TestRepo other) {
        try {
            git.fetch()
                    .setRemote(other.url())
                    .setRefSpecs(new RefSpec("+refs/heads/main:refs/heads/main"))
                    .call();
        } catch (GitAPIException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Adds {@code n} empty commits (a long history for benchmarks). */
    public String emptyCommits(int n) {
        try {
            String last = null;
            for (int i = 0; i < n; i++) {
                last = git.commit()
                        .setMessage("c" + i)
                        .setAuthor(AUTHOR)
                        .setCommitter(AUTHOR)
                        .setAllowEmpty(true)
                        .setSign(false)
                        .call()
                        .name();
            }
            return last;
        } catch (GitAPIException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Rewrites history: main points at {@code sha}, as after a force-push. */
    public void resetHard(String sha) {
        try {
            git.reset().setMode(ResetCommand.ResetType.HARD).setRef(sha).call();
        } catch (GitAPIException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Points {@code ref} at {@code sha}, as a host does for a pull request's head ({@code refs/pull/7/head}). */
    public void ref(String ref, String sha) {
        try {
            var update = git.getRepository().updateRef(ref);
            update.setNewObjectId(org.eclipse.jgit.lib.ObjectId.fromString(sha));
            update.forceUpdate();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Repository repository() {
        return git.getRepository();
    }

    public Path dir() {
        return dir;
    }

    public String url() {
        return dir.toUri().toString();
    }

    private static String read(Path f) {
        try {
            return Files.readString(f, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        git.close();
    }
}
