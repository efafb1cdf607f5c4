package io.alfred.gitops.bench;

import io.alfred.gitops.config.PromotionSettings;
import io.alfred.gitops.promotion.ProofLedger;
import io.alfred.gitops.testing.Await;
import io.alfred.gitops.testing.PromotionDaemon;
import io.alfred.gitops.testing.PubSubEmulator;
import io.alfred.gitops.testing.TestCluster;
import io.alfred.gitops.testing.TestRepo;
import io.alfred.gitops.trigger.Trigger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Time from staging's proof to prod applied: two daemons on two sandboxes sharing one Pub/Sub
 * emulator (as {@code PromotionTest}), one commit after another. For each: how long the proof took to
 * reach prod (staging's event time to prod's ledger), and how long prod took to apply the revision
 * once the soak ended (the event-driven part: no interval involved). Run with {@code mvn -Pbench}.
 */
class PromotionBench {
    static final int COMMITS = 10;
    static final Duration SOAK = Duration.ofSeconds(1);

    @Test
    void proofToApplied() throws Exception {
        Path tmp = Files.createTempDirectory("bench-promotion");
        try (PubSubEmulator emulator = PubSubEmulator.startOrSkip();
                TestRepo repo = TestRepo.withExample(tmp.resolve("infra"))) {
            emulator.createTopic("events");
            emulator.createSubscription("events", "prod-proofs", "", false);
            try (PromotionDaemon staging = new PromotionDaemon(
                            emulator,
                            repo,
                            tmp.resolve("work-staging"),
                            "staging-1",
                            "staging",
                            PromotionSettings.none(),
                            TestCluster.sandbox("staging, the second cluster beside prod"));
                    PromotionDaemon prod = new PromotionDaemon(
                            emulator,
                            repo,
                            tmp.resolve("work-prod"),
                            "prod-1",
                            "prod",
                            new PromotionSettings(List.of("staging"), SOAK, Optional.of("prod-proofs")),
                            TestCluster.start())) {
                double[] delivery = new double[COMMITS];
                double[] afterSoak = new double[COMMITS];
                for (int i = 0; i < COMMITS; i++) {
                    String revision = i == 0
                            ? repo.repository().resolve("refs/heads/main").name()
                            : repo.edit(
                                            "infra/k8s/base/ui/ui-chat.yaml",
                                            "ui-chat:" + (i == 1 ? "latest" : "v" + (i - 1)),
                                            "ui-chat:v" + i)
                                    .commit("ui " + i);
                    staging.runner.offer(Trigger.of(Trigger.Kind.MANUAL));
                    prod.runner.offer(Trigger.of(Trigger.Kind.MANUAL));
                    Await.until(
                            () -> prod.gate.proofs().stream()
                                    .anyMatch(p -> p.revision().equals(revision)),
                            Duration.ofSeconds(60),
                            () -> "the proof of " + revision + " never reached prod");
                    Instant received = Instant.now();
                    ProofLedger.Proof proof = prod.gate.proofs().stream()
                            .filter(p -> p.revision().equals(revision))
                            .findFirst()
                            .orElseThrow();
                    Await.until(
                            () -> revision.equals(prod.applied()),
                            Duration.ofSeconds(60),
                            () -> "prod never applied " + revision + ": " + prod.status.view());
                    Instant applied = Instant.now();
                    delivery[i] = Duration.between(proof.at(), received).toMillis();
                    afterSoak[i] =
                            Duration.between(proof.at().plus(SOAK), applied).toMillis();
                }
                BenchResults results = new BenchResults();
                Map<String, Object> p = Map.of(
                        "commits",
                        COMMITS,
                        "soak",
                        SOAK.toString(),
                        "note",
                        "two daemons, two sandboxes, one Pub/Sub emulator");
                results.add("promotion_proof_delivery_median", BenchResults.percentile(delivery, 50), "ms", p);
                results.add("promotion_proof_delivery_p95", BenchResults.percentile(delivery, 95), "ms", p);
                results.add(
                        "promotion_soak_end_to_prod_applied_median", BenchResults.percentile(afterSoak, 50), "ms", p);
                results.add("promotion_soak_end_to_prod_applied_p95", BenchResults.percentile(afterSoak, 95), "ms", p);
                results.printAndWrite("promotion: staging's proof to prod applied");
            }
        }
    }
}
