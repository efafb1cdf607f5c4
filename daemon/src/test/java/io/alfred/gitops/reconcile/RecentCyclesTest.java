package io.alfred.gitops.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.alfred.gitops.Revision;
import io.alfred.gitops.change.Action;
import io.alfred.gitops.change.Change;
import io.alfred.gitops.change.ChangeSet;
import io.alfred.gitops.render.ObjectRef;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The cycles the dashboard shows keep every change, but diffs only up to a bound per cycle. */
class RecentCyclesTest {

    @Test
    void aLargeCycleKeepsEveryChangeAndItsFirstDiffsOnly() {
        List<Change> changes = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            changes.add(new Change(
                    ObjectRef.of("v1", "ConfigMap", "bench", "cm-" + i),
                    Action.CREATED,
                    "+data:\n+  key: " + "v".repeat(1000) + "\n",
                    i == 4_999 ? "not validated" : ""));
        }
        SyncStatus status = new SyncStatus();
        status.cycle(
                CycleResult.succeeded(
                        Revision.of("abc"),
                        new ChangeSet(changes),
                        false,
                        Duration.ofSeconds(1),
                        List.of(),
                        Map.of(),
                        OptionalInt.of(5_000),
                        List.of()),
                5_000);

        List<Change> kept = status.recentCycles().get(0).changes();
        assertThat(kept).hasSize(5_000);
        assertThat(kept.stream().mapToInt(c -> c.diff().length()).sum())
                .isLessThanOrEqualTo(SyncStatus.DIFF_CHARS_KEPT)
                .isGreaterThan(SyncStatus.DIFF_CHARS_KEPT - 1100);
        assertThat(kept.get(0).diff()).isEqualTo(changes.get(0).diff());
        assertThat(kept.get(4_999).diff()).isEmpty();
        assertThat(kept.get(4_999).note())
                .startsWith("not validated; diff not kept: this cycle's diffs passed 256 KiB");
        assertThat(kept.get(4_998).note()).startsWith("diff not kept");
    }

    @Test
    void aSmallCycleKeepsItsDiffsWhole() {
        List<Change> changes =
                List.of(new Change(ObjectRef.of("v1", "ConfigMap", "shop", "web"), Action.CONFIGURED, "-a\n+b\n", ""));
        SyncStatus status = new SyncStatus();
        status.cycle(
                CycleResult.succeeded(
                        Revision.of("abc"),
                        new ChangeSet(changes),
                        false,
                        Duration.ofSeconds(1),
                        List.of(),
                        Map.of(),
                        OptionalInt.of(1),
                        List.of()),
                1);
        assertThat(status.recentCycles().get(0).changes()).isEqualTo(changes);
    }
}
