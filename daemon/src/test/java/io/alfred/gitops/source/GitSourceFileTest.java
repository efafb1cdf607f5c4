package io.alfred.gitops.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.alfred.gitops.Stage;
import io.alfred.gitops.config.SourceSettings;
import io.alfred.gitops.testing.TestRepo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Clone, incremental fetch and recovery over file:// against real repositories. */
class GitSourceFileTest {
    @TempDir
    Path tmp;

    TestRepo remote;
    GitSource source;

    @BeforeEach
    void setUp() {
        remote = TestRepo.create(tmp.resolve("remote"));
        remote.write("app/config.yaml", "v: 1\n");
    }

    @AfterEach
    void tearDown() {
        if (source != null) {
            source.close();
        }
        remote.close();
    }

    private GitSource source(String ref) {
        source = new GitSource(SourceSettings.anonymous(remote.url(), ref, ".", tmp.resolve("work")));
        return source;
    }

    @Test
    void clonesThenFetchesOnlyWhenTheRemoteMoved() throws Exception {
        String first = remote.commit("first");
        GitSource src = source("main");

        PollResult initial = src.poll();
        assertThat(initial.revision()).isEqualTo(first);
        assertThat(initial.changed()).isTrue();
        assertThat(src.fetchCount()).isEqualTo(1);

        PollResult again = src.poll();
        assertThat(again).isEqualTo(new PollResult(first, false, false));
        assertThat(src.fetchCount())
                .as("no fetch when the remote ref did not move")
                .isEqualTo(1);

        String second = remote.write("app/config.yaml", "v: 2\n").commit("second");
        PollResult moved = src.poll();
        assertThat(moved.revision()).isEqualTo(second);
        assertThat(moved.changed()).isTrue();
        assertThat(src.fetchCount()).isEqualTo(2);
        assertThat(Files.readString(src.checkout(second).resolve("app/config.yaml")))
                .isEqualTo("v: 2\n");
    }

    @Test
    void checksOutAnOlderCommitOnDemand() throws Exception {
        String first = remote.commit("first");
        remote.write("app/config.yaml", "v: 2\n").commit("second");
        GitSource src = source("main");
        src.poll();
        Path old = src.checkout(first);
        assertThat(Files.readString(old.resolve("app/config.yaml"))).isEqualTo("v: 1\n");
    }

    @Test
    void fetchesACommitThatIsNotHereYet() throws Exception {
        String first = remote.commit("first");
        remote.write("other.yaml", "x: 1\n");
        String second = remote.commit("second");
        GitSource src = source(first);
        assertThat(src.poll().revision()).isEqualTo(first);
        // second is newer than what was fetched for ref=first only if the mirror did not take it already
        assertThat(Files.exists(src.checkout(second).resolve("other.yaml"))).isTrue();
    }

    @Test
    void followsAForcePush() {
        String first = remote.commit("first");
        String second = remote.write("app/config.yaml", "v: 2\n").commit("second");
        GitSource src = source("main");
        assertThat(src.poll().revision()).isEqualTo(second);

        remote.resetHard(first);
        String rewritten = remote.write("app/config.yaml", "v: 3\n").commit("rewritten");
        PollResult after = src.poll();
        assertThat(after.revision()).isEqualTo(rewritten);
        assertThat(after.changed()).isTrue();
    }

    @Test
    void resolvesTagsAndCommits() {
        String first = remote.commit("first");
        remote.tag("v1.0.0", true);
        remote.tag("light", false);
        String second = remote.write("app/config.yaml", "v: 2\n").commit("second");

        assertThat(source("refs/tags/v1.0.0").poll().revision())
                .as("annotated tag peeled to its commit")
                .isEqualTo(first);
        source.close();
        assertThat(source("light").poll().revision()).isEqualTo(first);
        source.close();
        assertThat(source(second).poll().revision()).isEqualTo(second);
        source.close();
        assertThat(source("HEAD").poll().revision()).isEqualTo(second);
    }

    @Test
    void missingRefIsAnErrorListingWhatExists() {
        remote.commit("first");
        assertThatThrownBy(() -> source("release").poll())
                .isInstanceOfSatisfying(
                        SourceException.class, e -> assertThat(e.stage()).isEqualTo(Stage.FETCH))
                .hasMessageContaining("ref 'release' does not exist")
                .hasMessageContaining("refs/heads/main");
    }

    @Test
    void unreachableRemoteKeepsTheLastGoodRevision() throws Exception {
        String first = remote.commit("first");
        GitSource src = source("main");
        src.poll();
        remote.close();
        Path moved = tmp.resolve("moved-away");
        Files.move(remote.dir(), moved);
        assertThatThrownBy(src::poll)
                .isInstanceOf(SourceException.class)
                .hasMessageStartingWith("fetch: " + remote.url());
        assertThat(src.lastRevision()).contains(first);
        Files.move(moved, remote.dir());
        remote = TestRepo.create(remote.dir());
        assertThat(src.poll().revision()).isEqualTo(first);
    }

    @Test
    void unknownCommitIsAnError() {
        remote.commit("first");
        assertThatThrownBy(
                        () -> source("0123456789012345678901234567890123456789").poll())
                .isInstanceOf(SourceException.class)
                .hasMessageContaining("not reachable");
    }

    @Test
    void recoversFromACorruptedMirror() throws Exception {
        String first = remote.commit("first");
        GitSource src = source("main");
        src.poll();
        src.close();
        Path mirror = onlyMirror();
        Files.writeString(mirror.resolve("HEAD"), "garbage", StandardCharsets.UTF_8);
        GitSource.deleteRecursively(mirror.resolve("objects"));

        GitSource fresh = source("main");
        assertThat(fresh.poll().revision()).isEqualTo(first);
        assertThat(Files.readString(fresh.checkout(first).resolve("app/config.yaml")))
                .isEqualTo("v: 1\n");
    }

    @Test
    void recoversWhenObjectsVanishUnderARunningSource() throws Exception {
        String first = remote.commit("first");
        GitSource src = source("main");
        src.poll();
        GitSource.deleteRecursively(onlyMirror().resolve("objects"));
        Files.createDirectories(onlyMirror().resolve("objects"));
        assertThat(Files.readString(src.checkout(first).resolve("app/config.yaml")))
                .isEqualTo("v: 1\n");
    }

    @Test
    void recoversFromALeftoverLock() throws Exception {
        remote.commit("first");
        GitSource src = source("main");
        src.poll();
        Path lock = onlyMirror().resolve("refs/gitops/heads/main.lock");
        Files.createDirectories(lock.getParent());
        Files.writeString(lock, "stale lock of a killed process");
        String second = remote.write("app/config.yaml", "v: 2\n").commit("second");
        assertThat(src.poll().revision()).isEqualTo(second);
    }

    private Path onlyMirror() throws Exception {
        try (var dirs = Files.list(tmp.resolve("work"))) {
            return dirs.filter(Files::isDirectory).findFirst().orElseThrow().resolve("repo.git");
        }
    }

    /** A tree is measured from git's object headers: nothing is written when it is over the bounds. */
    @Test
    void aTreeOverItsBoundsIsRefusedBeforeAnythingIsWritten() throws Exception {
        for (int i = 0; i < 10; i++) {
            remote.write("many/f" + i + ".yaml", "i: " + i + "\n");
        }
        remote.writeBytes("big.bin", new byte[3 * 1024 * 1024]); // 3 MiB of zeros: a few KiB in git
        String sha = remote.commit("large tree");
        GitSource src = source("main");
        src.poll();

        assertThatThrownBy(() -> src.checkout(sha, new SnapshotBounds(5, Long.MAX_VALUE)))
                .isInstanceOfSatisfying(
                        RevisionTooLargeException.class,
                        e -> assertThat(e.stage()).isEqualTo(Stage.RENDER))
                .hasMessage("render: revision " + sha + ": the commit has more than 5 files"
                        + " (gitops.render.limits.checkout-files)");
        assertThatThrownBy(() -> src.checkout(sha, new SnapshotBounds(100, 1024 * 1024)))
                .hasMessageContaining("the commit's files exceed 1Mi in all, big.bin included"
                        + " (gitops.render.limits.checkout-size)");
        try (var written = Files.walk(tmp.resolve("work"))) {
            assertThat(written.map(Path::toString)).noneMatch(p -> p.contains(sha) || p.contains(".export-"));
        }
        assertThat(src.checkout(sha, SnapshotBounds.defaults()).resolve("big.bin"))
                .hasSize(3 * 1024 * 1024);
        assertThatThrownBy(() -> src.checkout(sha, new SnapshotBounds(5, Long.MAX_VALUE)))
                .as("a snapshot already on disk is held to the bounds of the caller")
                .hasMessageContaining("more than 5 files");
        src.close();
        source = null;
        GitSource again = source("main"); // a new process, the snapshot still in the workdir
        again.poll();
        assertThatThrownBy(() -> again.checkout(sha, new SnapshotBounds(5, Long.MAX_VALUE)))
                .hasMessageContaining("more than 5 files");
    }
}
