package io.alfred.gitops.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Only a large cycle is followed by a full collection. */
class HeapReleaseTest {

    @Test
    void collectsAfterLargeCyclesOnly() {
        AtomicInteger collections = new AtomicInteger();
        HeapRelease release = new HeapRelease(HeapRelease.LARGE_CYCLE, collections::incrementAndGet);
        assertThat(release.cycleEnded(0)).isFalse();
        assertThat(release.cycleEnded(HeapRelease.LARGE_CYCLE - 1)).isFalse();
        assertThat(collections).hasValue(0);
        assertThat(release.cycleEnded(HeapRelease.LARGE_CYCLE)).isTrue();
        assertThat(release.cycleEnded(20_000)).isTrue();
        assertThat(collections).hasValue(2);
    }
}
