package io.alfred.gitops.source;

import io.alfred.gitops.StageException;
import io.alfred.gitops.config.SourceSettings;
import io.alfred.gitops.config.VerifyMode;
import io.alfred.gitops.support.Sha256;
import io.alfred.gitops.verify.RevisionVerification;
import io.alfred.gitops.verify.RevisionVerifier;
import java.io.IOException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.text.MessageFormat;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.Status;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.api.errors.InvalidRemoteException;
import org.eclipse.jgit.api.errors.JGitInternalException;
import org.eclipse.jgit.api.errors.TransportException;
import org.eclipse.jgit.errors.IncorrectObjectTypeException;
import org.eclipse.jgit.errors.NoRemoteRepositoryException;
import org.eclipse.jgit.internal.JGitText;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.FetchResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.TrackingRefUpdate;
import org.jboss.logging.Logger;

/**
 * The infra repository, mirrored with JGit into a private bare repository under
 * {@code gitops.source.workdir}: cloned once, then fetched incrementally, and only when the remote
 * ref moved (the remote's refs are listed first). Revisions are full commit SHAs; any commit can be
 * checked out into a read-only snapshot for rendering.
 */
public final class GitSource implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(GitSource.class);
    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");
    private static final String LOCAL_NAMESPACE = "refs/gitops/";
    /** An address in a transport's message: a URL, or a host and port. */
    private static final Pattern ADDRESS = Pattern.compile("\\S+://\\S+|\\S+:\\d+\\S*");
    /** HTTP's refusals of credentials, as a status in a message. */
    private static final Pattern HTTP_REFUSAL = Pattern.compile("\\b40[13]\\b");

    private final SourceSettings settings;
    private final Path home;
    private final Path repoDir;
    private final GitAuth auth;
    private final SnapshotStore snapshots;
    private final AtomicLong fetches = new AtomicLong();
    private Repository repository;
    private String lastRemoteObject;
    private String lastRevision;

    public GitSource(SourceSettings settings) {
        this.settings = settings;
        this.home = settings.workdir().resolve(shortHash(settings.url()));
        this.repoDir = home.resolve("repo.git");
        this.auth = new GitAuth(settings);
        this.snapshots = new SnapshotStore(home.resolve("snapshots"));
    }

    public String url() {
        return settings.url();
    }

    /** Number of fetches from the remote since this source was created (the cheap path does none). */
    public long fetchCount() {
        return fetches.get();
    }

    /**
     * Finds the commit the configured ref points at now, fetching only when the remote moved.
     * On failure the previous revision stays the last good one; the exception names the URL.
     */
    public synchronized PollResult poll() {
        String ref = settings.ref();
        if (COMMIT.matcher(ref).matches()) {
            boolean fetched = ensureCommit(ref);
            return remember(ref, ref, fetched);
        }
        if (lastRemoteObject == null) {
            Optional<PollResult> direct = fetchTrackedBranch(ref);
            if (direct.isPresent()) {
                return direct.get();
            }
        }
        Ref remote = resolveRemoteRef(ref);
        String remoteObject = remote.getObjectId().name();
        if (remoteObject.equals(lastRemoteObject)
                && lastRevision != null
                && withRepository(r -> hasCommit(r, lastRevision))) {
            return new PollResult(lastRevision, false, false);
        }
        String name = remote.getName();
        String localRef = LOCAL_NAMESPACE + (name.startsWith("refs/") ? name.substring("refs/".length()) : name);
        fetch(List.of(new RefSpec("+" + remote.getName() + ":" + localRef)));
        String commit = withRepository(r -> peel(r, remote.getObjectId()));
        return remember(remoteObject, commit, true);
    }

    /**
     * The signatures {@code verifier} asks for on {@code revision}; the annotated tag is the one the
     * configured ref named at the last poll, when it named one and pointed at this revision.
     */
    public synchronized RevisionVerification verify(RevisionVerifier verifier, String revision) {
        if (verifier.mode() == VerifyMode.OFF) {
            return RevisionVerification.notRequired(revision); // every cycle asks: no repository work for nothing
        }
        ensureCommit(revision);
        return withRepository(
                r -> verifier.verify(r, revision, verifier.mode().tag() ? annotatedTag(r, revision) : null));
    }

    private String annotatedTag(Repository r, String revision) throws IOException {
        String remote = lastRemoteObject;
        if (remote != null && !remote.equals(revision) && revision.equals(lastRevision)) {
            ObjectId id = ObjectId.fromString(remote);
            return r.getObjectDatabase().has(id) && r.open(id).getType() == Constants.OBJ_TAG ? remote : null;
        }
        // an older revision (a rollback): the annotated tag fetched for it earlier, if any
        for (Ref tag : r.getRefDatabase().getRefsByPrefix(LOCAL_NAMESPACE + "tags/")) {
            Ref peeled = r.getRefDatabase().peel(tag);
            if (peeled.getPeeledObjectId() != null
                    && peeled.getPeeledObjectId().name().equals(revision)) {
                return tag.getObjectId().name();
            }
        }
        return null;
    }

    /**
     * A directory holding the tree of {@code revision}, fetching the commit first if it is not
     * here yet (an older revision for a rollback, say).
     */
    public Path checkout(String revision) {
        return checkout(revision, SnapshotBounds.defaults());
    }

    /** As {@link #checkout(String)}, refusing a tree over {@code bounds} before writing it. */
    public synchronized Path checkout(String revision, SnapshotBounds bounds) {
        if (!COMMIT.matcher(revision).matches()) {
            throw new SourceException(settings.url(), "'" + revision + "' is not a full commit SHA");
        }
        ensureCommit(revision);
        return withRepository(r -> snapshots.export(r, ObjectId.fromString(revision), bounds));
    }

    /**
     * When the URL is a local work tree: its files under {@code path} that differ from the last
     * commit (modified, added, untracked); empty for a remote URL or when git cannot say.
     */
    public List<String> uncommitted(String path) {
        Path dir = Path.of(settings.url().replaceFirst("^file://", ""));
        if (!Files.isDirectory(dir.resolve(".git"))) {
            return List.of();
        }
        try (Git git = Git.open(dir.toFile())) {
            Status status = git.status().addPath(".".equals(path) ? "." : path).call();
            List<String> changed = new ArrayList<>();
            changed.addAll(status.getModified());
            changed.addAll(status.getChanged());
            changed.addAll(status.getAdded());
            changed.addAll(status.getUntracked());
            changed.addAll(status.getMissing());
            changed.addAll(status.getRemoved());
            return changed.stream().sorted().distinct().toList();
        } catch (IOException | GitAPIException | RuntimeException e) {
            return List.of();
        }
    }

    /** Subject and author of a commit the mirror has; unknown when it cannot be read. */
    public CommitInfo describe(String revision) {
        try {
            return withRepository(r -> {
                try (RevWalk walk = new RevWalk(r)) {
                    RevCommit c = walk.parseCommit(ObjectId.fromString(revision));
                    return new CommitInfo(
                            c.getShortMessage(),
                            c.getAuthorIdent().getName() + " <"
                                    + c.getAuthorIdent().getEmailAddress() + ">");
                }
            });
        } catch (RuntimeException e) {
            return CommitInfo.unknown();
        }
    }

    private PollResult remember(String remoteObject, String commit, boolean fetched) {
        boolean changed = !commit.equals(lastRevision);
        lastRemoteObject = remoteObject;
        lastRevision = commit;
        return new PollResult(commit, changed, fetched);
    }

    /** Makes sure the commit is in the local repository; true when a fetch was needed. */
    private boolean ensureCommit(String sha) {
        if (withRepository(r -> hasCommit(r, sha))) {
            return false;
        }
        List<RefSpec> everything = List.of(
                new RefSpec("+refs/heads/*:" + LOCAL_NAMESPACE + "heads/*"),
                new RefSpec("+refs/tags/*:" + LOCAL_NAMESPACE + "tags/*"));
        fetch(everything);
        if (!withRepository(r -> hasCommit(r, sha))) {
            // Either the remote does not have it, or our refs claim objects the mirror lost (so the
            // fetch negotiated them away): one fresh clone tells which.
            LOG.warnf(
                    "fetch: commit %s still missing after fetch; cloning %s again to rule out a damaged mirror",
                    sha, repoDir);
            recreateRepository();
            fetch(everything);
            if (!withRepository(r -> hasCommit(r, sha))) {
                throw new SourceException(settings.url(), "commit " + sha + " is not reachable from any branch or tag");
            }
        }
        return true;
    }

    /**
     * The first poll of this source (a command's only one) of a branch the mirror fetched before:
     * one fetch of it, whose ref advertisement says where it points, instead of listing the remote's
     * refs and then fetching, a connection each. Empty when {@code ref} is not such a branch (never
     * fetched, a tag of that name fetched too, HEAD, a full ref name) or the remote no longer has it:
     * the listing then decides, and says what the remote has.
     */
    private Optional<PollResult> fetchTrackedBranch(String ref) {
        if (ref.equals("HEAD") || ref.startsWith("refs/")) {
            return Optional.empty();
        }
        String remoteName = "refs/heads/" + ref;
        String localRef = LOCAL_NAMESPACE + "heads/" + ref;
        boolean tracked = withRepository(
                r -> r.exactRef(localRef) != null && r.exactRef(LOCAL_NAMESPACE + "tags/" + ref) == null);
        if (!tracked) {
            return Optional.empty();
        }
        FetchResult result;
        try {
            result = fetch(List.of(new RefSpec("+" + remoteName + ":" + localRef)));
        } catch (MissingRemoteRefException e) {
            return Optional.empty();
        }
        Ref remote = result.getAdvertisedRef(remoteName);
        if (remote == null || remote.getObjectId() == null) {
            return Optional.empty();
        }
        String commit = withRepository(r -> peel(r, remote.getObjectId()));
        return Optional.of(remember(remote.getObjectId().name(), commit, true));
    }

    private Ref resolveRemoteRef(String ref) {
        // HEAD and a ref outside branches and tags (a pull request's head, refs/pull/7/head) are
        // listed among all refs; a branch or a tag among branches and tags only
        boolean anyRef = ref.equals("HEAD")
                || ref.startsWith("refs/") && !ref.startsWith("refs/heads/") && !ref.startsWith("refs/tags/");
        Collection<Ref> refs = remoteCall(() -> auth.configure(Git.lsRemoteRepository()
                        .setRemote(settings.url())
                        .setHeads(!anyRef)
                        .setTags(!anyRef))
                .call());
        List<String> candidates = ref.equals("HEAD") || ref.startsWith("refs/")
                ? List.of(ref)
                : List.of("refs/heads/" + ref, "refs/tags/" + ref);
        for (String candidate : candidates) {
            for (Ref r : refs) {
                if (r.getName().equals(candidate)) {
                    return r;
                }
            }
        }
        List<String> names = new ArrayList<>();
        refs.stream()
                .map(Ref::getName)
                .filter(n -> !n.endsWith("^{}"))
                .sorted()
                .limit(20)
                .forEach(names::add);
        throw new SourceException(
                settings.url(),
                "ref '" + ref + "' does not exist on the remote (gitops.source.ref); "
                        + (names.isEmpty()
                                ? "the remote has no branches or tags"
                                : "it has " + String.join(", ", names)));
    }

    private FetchResult fetch(List<RefSpec> specs) {
        try {
            return fetchOnce(specs);
        } catch (WorkdirBrokenException e) {
            LOG.warnf("fetch: workdir %s is unusable (%s); cloning again", repoDir, e.getMessage());
            recreateRepository();
            return fetchOnce(specs);
        }
    }

    private FetchResult fetchOnce(List<RefSpec> specs) {
        FetchResult result = remoteCall(() -> {
            try {
                return auth.configure(git().fetch()
                                .setRemote(settings.url())
                                .setRefSpecs(specs)
                                .setRemoveDeletedRefs(false))
                        .call();
            } catch (TransportException e) {
                for (RefSpec spec : specs) {
                    if (!spec.isWildcard()
                            && MessageFormat.format(JGitText.get().remoteDoesNotHaveSpec, spec.getSource())
                                    .equals(e.getMessage())) {
                        throw new MissingRemoteRefException(spec.getSource());
                    }
                }
                throw e;
            }
        });
        fetches.incrementAndGet();
        for (TrackingRefUpdate update : result.getTrackingRefUpdates()) {
            RefUpdate.Result r = update.getResult();
            if (r == RefUpdate.Result.LOCK_FAILURE
                    || r == RefUpdate.Result.IO_FAILURE
                    || r == RefUpdate.Result.REJECTED_OTHER_REASON) {
                throw new WorkdirBrokenException("cannot update " + update.getLocalName() + ": " + r);
            }
        }
        return result;
    }

    private String peel(Repository r, ObjectId id) throws IOException {
        try (RevWalk walk = new RevWalk(r)) {
            RevCommit commit = walk.parseCommit(id);
            return commit.name();
        }
    }

    private static boolean hasCommit(Repository r, String sha) throws IOException {
        ObjectId id = ObjectId.fromString(sha);
        if (!r.getObjectDatabase().has(id)) {
            return false;
        }
        try (RevWalk walk = new RevWalk(r)) {
            walk.parseCommit(id);
            return true;
        } catch (IncorrectObjectTypeException e) {
            return false;
        }
    }

    private interface RepoFunction<T> {
        T apply(Repository r) throws IOException;
    }

    /** Runs a local read; a repository that cannot be read is re-cloned once. */
    private <T> T withRepository(RepoFunction<T> f) {
        try {
            return f.apply(repository());
        } catch (IOException | RuntimeException e) {
            if (e instanceof StageException se) {
                throw se; // the source's own verdict (unreachable, too large), not a damaged repository
            }
            LOG.warnf("fetch: workdir %s is unusable (%s); cloning again", repoDir, e.toString());
            recreateRepository();
            try {
                String sha = lastRevision;
                lastRemoteObject = null;
                if (sha != null) {
                    ensureCommit(sha);
                }
                return f.apply(repository());
            } catch (IOException | RuntimeException again) {
                if (again instanceof StageException se) {
                    throw se;
                }
                throw new SourceException(
                        settings.url(), "local repository " + repoDir + " is unusable: " + again, again);
            }
        }
    }

    private Git git() {
        try {
            return Git.wrap(repository());
        } catch (IOException e) {
            throw new WorkdirBrokenException(e.toString());
        }
    }

    private Repository repository() throws IOException {
        if (repository == null) {
            repository = openOrCreate();
        }
        return repository;
    }

    private Repository openOrCreate() throws IOException {
        if (Files.exists(repoDir)) {
            try {
                Repository r = new FileRepositoryBuilder()
                        .setGitDir(repoDir.toFile())
                        .setMustExist(true)
                        .build();
                r.getRefDatabase().getRefs(); // fails on a corrupted ref database
                r.getObjectDatabase().newReader().close();
                return r;
            } catch (IOException | RuntimeException e) {
                LOG.warnf(
                        "fetch: workdir %s is not a usable git repository (%s); cloning again", repoDir, e.toString());
                deleteRecursively(repoDir);
            }
        }
        Files.createDirectories(repoDir.getParent());
        try {
            Git.init()
                    .setBare(true)
                    .setGitDir(repoDir.toFile())
                    .setDirectory(repoDir.toFile())
                    .setInitialBranch("gitops")
                    .call()
                    .close();
        } catch (GitAPIException e) {
            throw new IOException("cannot create " + repoDir + ": " + e.getMessage(), e);
        }
        Files.writeString(home.resolve("url"), Redactor.url(settings.url()) + "\n", StandardCharsets.UTF_8);
        return new FileRepositoryBuilder()
                .setGitDir(repoDir.toFile())
                .setMustExist(true)
                .build();
    }

    private void recreateRepository() {
        if (repository != null) {
            repository.close();
            repository = null;
        }
        deleteRecursively(repoDir);
    }

    private interface RemoteCall<T> {
        T call() throws GitAPIException;
    }

    private <T> T remoteCall(RemoteCall<T> call) {
        try {
            return call.call();
        } catch (InvalidRemoteException e) {
            throw new SourceException(settings.url(), "no git repository at this URL: " + cause(e));
        } catch (TransportException e) {
            throw new SourceException(settings.url(), classify(e));
        } catch (GitAPIException | JGitInternalException e) {
            throw new WorkdirBrokenException(cause(e));
        }
    }

    private String classify(TransportException e) {
        String rejection = auth.hostKeyRejection();
        if (rejection != null) {
            return "SSH host key rejected: " + rejection;
        }
        String message = cause(e);
        // without the addresses it names: a port such as 37401 is no HTTP status
        String lower = ADDRESS.matcher(message).replaceAll("").toLowerCase(Locale.ROOT);
        if (lower.contains("not authorized")
                || lower.contains("authentication")
                || lower.contains("auth fail")
                || HTTP_REFUSAL.matcher(lower).find()
                || lower.contains("no more authentication methods")) {
            return "credentials refused (check gitops.source.auth.*): " + message;
        }
        if (hasCause(e, NoRemoteRepositoryException.class)
                || lower.contains("repository not found")
                || lower.contains("not found")) {
            return "no git repository at this URL: " + message;
        }
        if (hasCause(e, UnknownHostException.class)
                || lower.contains("connection refused")
                || lower.contains("unknownhost")
                || lower.contains("timed out")
                || lower.contains("connect")) {
            return "remote unreachable: " + message;
        }
        return "transport error: " + message;
    }

    private String cause(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
            if (sb.indexOf(m) < 0) {
                if (sb.length() > 0) {
                    sb.append(": ");
                }
                sb.append(m);
            }
        }
        return auth.redact(sb.toString());
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    static void deleteRecursively(Path dir) {
        // JGit's automatic gc runs detached and may add or remove files (gc.log.lock) while this walks:
        // a file that vanished is gone already, and a walk that met one is done again
        IOException last = null;
        for (int attempt = 0; attempt < 5 && Files.exists(dir, LinkOption.NOFOLLOW_LINKS); attempt++) {
            try {
                Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                        Files.deleteIfExists(file);
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                        if (e instanceof NoSuchFileException) {
                            return FileVisitResult.CONTINUE;
                        }
                        throw e;
                    }

                    @Override
                    public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                        Files.deleteIfExists(d);
                        return FileVisitResult.CONTINUE;
                    }
                });
            } catch (NoSuchFileException | DirectoryNotEmptyException e) {
                last = e; // something moved under the walk: walk again
            } catch (IOException e) {
                throw new SourceException("", "cannot delete " + dir + ": " + e.getMessage(), e);
            }
        }
        if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new SourceException(
                    "",
                    "cannot delete " + dir + ": files keep appearing in it" + (last == null ? "" : " (" + last + ")"),
                    last);
        }
    }

    private static String shortHash(String url) {
        return Sha256.hex(url).substring(0, 16);
    }

    /** Whether {@code ancestor} is {@code descendant} or one of its ancestors (both must be here). */
    public synchronized boolean isAncestor(String ancestor, String descendant) {
        return withRepository(r -> {
            if (!hasCommit(r, ancestor) || !hasCommit(r, descendant)) {
                return false;
            }
            try (RevWalk walk = new RevWalk(r)) {
                return walk.isMergedInto(
                        walk.parseCommit(ObjectId.fromString(ancestor)),
                        walk.parseCommit(ObjectId.fromString(descendant)));
            }
        });
    }

    public Optional<String> lastRevision() {
        return Optional.ofNullable(lastRevision);
    }

    @Override
    public synchronized void close() {
        if (repository != null) {
            repository.close();
            repository = null;
        }
        auth.close();
    }

    /** A fetch named a ref the remote does not have (the remote said so; nothing was fetched). */
    private static final class MissingRemoteRefException extends RuntimeException {
        MissingRemoteRefException(String ref) {
            super(ref, null, false, false);
        }
    }

    /** The local mirror is damaged or locked; the remedy is a fresh clone. */
    private static final class WorkdirBrokenException extends RuntimeException {
        WorkdirBrokenException(String message) {
            super(message);
        }
    }
}
