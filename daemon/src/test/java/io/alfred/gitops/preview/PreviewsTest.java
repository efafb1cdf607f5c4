package io.alfred.gitops.preview;

import static org.assertj.core.api.Assertions.assertThat;

import io.alfred.gitops.events.DeployEvent;
import io.alfred.gitops.events.EventType;
import io.alfred.gitops.safety.Gate;
import io.alfred.gitops.testing.Await;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The preview queue: one at a time, a newer push replaces the queued one, results kept and published. */
class PreviewsTest {
    static PullRequest pr(int number, String sha) {
        return new PullRequest(PullRequest.Host.GITHUB, number, Optional.of(sha), false, Optional.empty());
    }

    static Preview done(PullRequest pr) {
        return new Preview(
                pr,
                pr.headRevision(),
                "test",
                "dev",
                Instant.now(),
                Duration.ofMillis(5),
                Verdict.WOULD_APPLY,
                List.of(GateVerdict.passes(Gate.PDB, "ok")),
                "1 configured",
                List.of("ConfigMap/ns/a configured"),
                "",
                List.of(),
                List.of(),
                Optional.empty());
    }

    @Test
    void aNewerPushReplacesTheQueuedPreviewAndOneRunsAtATime() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        List<String> ran = new CopyOnWriteArrayList<>();
        List<DeployEvent> events = new CopyOnWriteArrayList<>();
        try (Previews previews = new Previews(
                pr -> {
                    most.accumulateAndGet(running.incrementAndGet(), Math::max);
                    try {
                        release.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    ran.add(pr.key() + "@" + pr.headRevision().orElseThrow());
                    running.decrementAndGet();
                    return done(pr);
                },
                events::add,
                Previews.Listener.NONE,
                () -> {})) {
            previews.offer(pr(7, "aaaaaaa1"));
            Await.until(() -> running.get() == 1);
            previews.offer(pr(7, "aaaaaaa2"));
            previews.offer(pr(8, "bbbbbbb1"));
            previews.offer(pr(7, "aaaaaaa3"));
            release.countDown();
            Await.until(() -> previews.runs() == 3);
            assertThat(ran).containsExactly("github#7@aaaaaaa1", "github#7@aaaaaaa3", "github#8@bbbbbbb1");
            assertThat(most.get()).isEqualTo(1);
            assertThat(events)
                    .extracting(DeployEvent::type)
                    .containsOnly(EventType.PREVIEW_READY)
                    .hasSize(3);
            assertThat(previews.recent().get(0).revision()).contains("bbbbbbb1");
            assertThat(previews.of("aaaaaaa3")).isPresent();
            assertThat(previews.of("aaaaaa")).as("a prefix shorter than 7").isEmpty();
            assertThat(previews.of("ccccccc")).isEmpty();
        }
    }

    @Test
    void closedPreviewsTakeNothing() {
        Previews previews = new Previews(PreviewsTest::done, e -> {}, Previews.Listener.NONE, () -> {});
        previews.close();
        assertThat(previews.offer(pr(1, "aaaaaaa1"))).isFalse();
    }

    @Test
    void aPreviewKeepsAtMost256KiBOfDiffs() {
        String big = "-  a: " + "x".repeat(100_000) + "\n";
        var changes = new io.alfred.gitops.change.ChangeSet(java.util.stream.IntStream.range(0, 5)
                .mapToObj(i -> new io.alfred.gitops.change.Change(
                        io.alfred.gitops.render.ObjectRef.of("v1", "ConfigMap", "ns", "c" + i),
                        io.alfred.gitops.change.Action.CONFIGURED,
                        big,
                        ""))
                .toList());
        Preview p = Preview.of(
                pr(3, "aaaaaaa1"),
                "aaaaaaa1",
                new Preview.Where("test", "dev"),
                Duration.ZERO,
                List.of(),
                changes,
                List.of(),
                List.of(),
                List.of());
        assertThat(p.diff().length()).isLessThan(Preview.DIFF_CHARS_KEPT + 200);
        assertThat(p.diff())
                .endsWith("the diffs of 3 more objects are not kept (past 256 KiB); git diff of the pull"
                        + " request shows them\n");
        assertThat(p.changes()).hasSize(5);
    }
}
