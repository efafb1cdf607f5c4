package io.alfred.gitops.promotion;

import static org.assertj.core.api.Assertions.assertThat;

import io.alfred.gitops.Revision;
import io.alfred.gitops.config.PromotionSettings;
import io.alfred.gitops.events.FleetView;
import io.alfred.gitops.testing.Await;
import io.alfred.gitops.testing.PromotionDaemon;
import io.alfred.gitops.testing.PubSubEmulator;
import io.alfred.gitops.testing.TestCluster;
import io.alfred.gitops.testing.TestRepo;
import io.alfred.gitops.trigger.Trigger;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two daemons, staging and prod, each on its own sandbox, sharing one Pub/Sub emulator: staging
 * publishes its deploy events to the topic, prod reads them from its promotion subscription and
 * applies a revision only once staging has proven it and kept it healthy for the soak.
 */
class PromotionTest {
    static final Duration SOAK = Duration.ofSeconds(3);

    @TempDir
    Path tmp;

    PubSubEmulator emulator;
    TestRepo repo;
    PromotionDaemon staging;
    PromotionDaemon prod;

    @BeforeEach
    void setUp() {
        emulator = PubSubEmulator.startOrSkip();
        emulator.createTopic("events");
        emulator.createSubscription("events", "prod-proofs", "", false);
        emulator.createSubscription("events", "fleet");
        repo = TestRepo.withExample(tmp.resolve("infra"));
        staging = new PromotionDaemon(
                emulator,
                repo,
                tmp.resolve("work-staging"),
                "staging-1",
                "staging",
                PromotionSettings.none(),
                TestCluster.sandbox("staging, the second cluster beside prod"));
        prod = new PromotionDaemon(
                emulator,
                repo,
                tmp.resolve("work-prod"),
                "prod-1",
                "prod",
                new PromotionSettings(List.of("staging"), SOAK, Optional.of("prod-proofs")),
                TestCluster.start());
    }

    @AfterEach
    void tearDown() {
        if (prod != null) {
            prod.close();
        }
        if (staging != null) {
            staging.close();
        }
        if (repo != null) {
            repo.close();
        }
        if (emulator != null) {
            emulator.close();
        }
    }

    private static void await(BooleanSupplier condition, String what) {
        Await.until(condition, Duration.ofSeconds(60), () -> what);
    }

    private String head() throws Exception {
        return repo.repository().resolve("refs/heads/main").name();
    }

    /** Staging applies the revision; prod waits for its proof and the soak, then applies it, on its own. */
    private String promoted(String what) throws Exception {
        String revision = head();
        staging.runner.offer(Trigger.of(Trigger.Kind.MANUAL));
        prod.runner.offer(Trigger.of(Trigger.Kind.MANUAL));
        await(() -> revision.equals(staging.applied()), "staging applies " + what);
        Instant stagingAt = Instant.now();
        await(
                () -> revision.equals(prod.applied()),
                "prod applies " + what + " after the soak; prod: " + prod.status.view());
        assertThat(Duration.between(stagingAt, Instant.now()))
                .as("not before the soak")
                .isGreaterThanOrEqualTo(SOAK.minusMillis(500));
        return revision;
    }

    @Test
    void aGoodCommitReachesProdAfterTheSoakAndABadOneNever() throws Exception {
        String first = promoted("the first revision");
        assertThat(prod.status.view().promotion().state()).isEqualTo("promoted");

        // a commit that fails in staging (its rollout never finishes: rolled back) never reaches prod
        staging.sandbox.failImages("crashloop");
        String bad = repo.edit("infra/k8s/base/ui/ui-chat.yaml", "ui-chat:latest", "ui-chat:crashloop")
                .commit("bad image");
        staging.runner.offer(Trigger.of(Trigger.Kind.MANUAL));
        prod.runner.offer(Trigger.of(Trigger.Kind.MANUAL));
        await(() -> bad.equals(staging.status.view().failedRevision()), "staging fails and rolls back " + bad);
        await(
                () -> prod.status.view().held() != null
                        && prod.status.view().held().reason().contains("failed"),
                "prod refuses " + bad + " for good; prod: " + prod.status.view());
        assertThat(prod.status.view().held().reason())
                .contains("staging failed " + Revision.abbreviate(bad))
                .contains("it is not promoted");
        Thread.sleep(SOAK.plusSeconds(1).toMillis());
        prod.runner.offer(Trigger.of(Trigger.Kind.SCHEDULE));
        Thread.sleep(1000);
        assertThat(prod.applied()).as("the bad revision never reaches prod").isEqualTo(first);

        // the fix, then a commit that only touches the prod overlay: staging reaches it with nothing to change, and
        // says so
        repo.edit("infra/k8s/base/ui/ui-chat.yaml", "ui-chat:crashloop", "ui-chat:latest")
                .commit("fix image");
        staging.sandbox.failImages("nothing-is-stuck");
        promoted("the fix");
        repo.edit(
                        "infra/k8s/overlays/prod/prod-config.yaml",
                        "debug-endpoints: \"disabled\"",
                        "debug-endpoints: \"off\"")
                .commit("prod only");
        promoted("a prod-only change");
        assertThat(prod.client
                        .configMaps()
                        .inNamespace("alfred-platform")
                        .withName("alfred-env-config")
                        .get()
                        .getData())
                .containsEntry("debug-endpoints", "off");

        // events --fleet's view of the same events: one line per cluster, what prod waited for on the way
        String last = Revision.abbreviate(head());
        try (PubSubEmulator.Received received = emulator.receive("fleet")) {
            FleetView fleet = new FleetView();
            List<String> seen = new ArrayList<>();
            await(
                    () -> {
                        received.messages().stream().skip(seen.size()).forEach(m -> {
                            fleet.accept(m);
                            seen.add(String.join("\n", fleet.lines()));
                        });
                        return fleet.lines().stream()
                                        .filter(l -> l.contains(last) && l.contains("in sync"))
                                        .count()
                                == 2;
                    },
                    "both clusters in sync at " + last + " in the fleet view: " + fleet.lines());
            assertThat(fleet.lines()).hasSize(3);
            assertThat(fleet.lines().get(1)).startsWith("prod-1").contains("prod");
            assertThat(fleet.lines().get(2)).startsWith("staging-1").contains("staging");
            assertThat(seen)
                    .anyMatch(view -> view.contains("holds " + Revision.abbreviate(bad) + " (promotion)")
                            && view.contains("waits: staging failed " + Revision.abbreviate(bad)));
        }
    }

    @Test
    void aRestartOfProdMidSoakKeepsTheProof() throws Exception {
        promoted("the first revision");
        String next = repo.edit("infra/k8s/base/ui/ui-chat.yaml", "ui-chat:latest", "ui-chat:2")
                .commit("ui 2");
        staging.runner.offer(Trigger.of(Trigger.Kind.MANUAL));
        await(() -> next.equals(staging.applied()), "staging applies " + next);
        await(() -> prod.gate.proofs().stream().anyMatch(p -> p.revision().equals(next)), "prod receives the proof");

        // prod restarts mid-soak; the new process does not even listen: the proof must come from the cluster
        prod.restart(false);
        assertThat(prod.gate.proofs()).anyMatch(p -> p.revision().equals(next));
        prod.runner.offer(Trigger.of(Trigger.Kind.STARTUP));
        await(
                () -> next.equals(prod.applied()),
                "prod applies " + next + " from the kept proof; prod: " + prod.status.view());
    }
}
