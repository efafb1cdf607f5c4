package io.alfred.gitops.bench;

import io.alfred.gitops.Revision;
import io.alfred.gitops.cluster.WriteGuard;
import io.alfred.gitops.config.ClusterSettings;
import io.alfred.gitops.config.RenderSettings;
import io.alfred.gitops.config.SafetySettings;
import io.alfred.gitops.config.Settings;
import io.alfred.gitops.config.SourceSettings;
import io.alfred.gitops.preview.PreviewSink;
import io.alfred.gitops.pubsub.PubSubHealth;
import io.alfred.gitops.pubsub.PubSubResource;
import io.alfred.gitops.reconcile.CycleRunner;
import io.alfred.gitops.reconcile.Reconciler;
import io.alfred.gitops.reconcile.SyncStatus;
import io.alfred.gitops.reconcile.Wiring;
import io.alfred.gitops.render.KustomizeOutputs;
import io.alfred.gitops.render.RenderResult;
import io.alfred.gitops.render.Renderer;
import io.alfred.gitops.source.GitSource;
import io.alfred.gitops.testing.PubSubEmulator;
import io.alfred.gitops.testing.TestCluster;
import io.alfred.gitops.testing.TestRepo;
import io.alfred.gitops.testing.TestSettings;
import io.alfred.gitops.trigger.DeliveryLog;
import io.alfred.gitops.trigger.NoticeHandler;
import io.alfred.gitops.trigger.PubSubTrigger;
import io.alfred.gitops.trigger.RepoMatcher;
import io.alfred.gitops.trigger.Trigger;
import io.alfred.gitops.trigger.TriggerMetrics;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Push-to-applied latency through the real Pub/Sub emulator for the example's prod overlay on the
 * sandbox, with default settings, beside the bare steps (fetch, render, apply) of the same change.
 * Run with {@code mvn -Pbench}.
 */
class PushLatencyBench {
    static final int PUSHES = Integer.getInteger("bench.pushes", 25);
    static final String OVERLAY = "infra/k8s/overlays/prod";

    @Test
    void pushToApplied() throws Exception {
        Path tmp = Files.createTempDirectory("bench-push");
        BenchResults results = new BenchResults();
        try (PubSubEmulator emulator = PubSubEmulator.startOrSkip();
                TestRepo repo = TestRepo.withExample(tmp.resolve("infra"));
                TestCluster sandbox = TestCluster.start();
                KubernetesClient client = sandbox.client()) {
            emulator.createTopic("pushes");
            emulator.createSubscription("pushes", "alfred");
            Settings settings = settings(repo, tmp.resolve("work"));
            SyncStatus status = new SyncStatus();
            try (CycleRunner runner = Wiring.runner(settings, client, status, CycleRunner.Outlets.none());
                    PubSubTrigger trigger = PubSubTrigger.of(
                                    emulator.connection(),
                                    PubSubResource.triggerSubscription(PubSubEmulator.PROJECT, "alfred"),
                                    PubSubTrigger.notices(new NoticeHandler(
                                            new RepoMatcher(repo.url(), "main"),
                                            runner,
                                            PreviewSink.NONE,
                                            new TriggerMetrics(new SimpleMeterRegistry()),
                                            new DeliveryLog())),
                                    PubSubHealth.detached())
                            .start()) {
                String head = repo.repository().resolve("HEAD").name();
                runner.offer(Trigger.of(Trigger.Kind.STARTUP));
                awaitApplied(status, head);

                double[] latencies = new double[PUSHES];
                for (int i = 0; i < PUSHES; i++) {
                    String sha = bump(repo, i);
                    long start = System.nanoTime();
                    emulator.publish(
                            "pushes",
                            "{\"ref\":\"refs/heads/main\",\"after\":\"" + sha + "\",\"repository\":{\"clone_url\":\""
                                    + repo.url() + "\"}}",
                            Map.of());
                    awaitApplied(status, sha);
                    latencies[i] = (System.nanoTime() - start) / 1e6;
                }
                Map<String, Object> params = Map.of(
                        "pushes", PUSHES, "overlay", "prod", "cluster", "sandbox", "transport", "pubsub-emulator");
                results.add("push_to_applied_median", BenchResults.percentile(latencies, 50), "ms", params);
                results.add("push_to_applied_p95", BenchResults.percentile(latencies, 95), "ms", params);
            }
            bareSteps(repo, tmp.resolve("work-bare"), client, results);
        }
        results.printAndWrite("push-to-applied latency (Pub/Sub emulator -> sandbox), prod overlay");
    }

    /** The same kind of change, step by step without the trigger: what the daemon cannot avoid doing. */
    private void bareSteps(TestRepo repo, Path work, KubernetesClient client, BenchResults results) {
        Settings settings = settings(repo, work);
        int n = Math.max(10, PUSHES / 2);
        double[] fetch = new double[n];
        double[] render = new double[n];
        double[] apply = new double[n];
        try (GitSource source = new GitSource(settings.source());
                Reconciler reconciler =
                        Wiring.reconciler(client, settings.apply(), SafetySettings.defaults(), WriteGuard.ALWAYS)) {
            Renderer renderer = new Renderer(settings.render(), KustomizeOutputs.NONE);
            reconciler.reconcile(renderer.render(
                    source.checkout(source.poll().revision()),
                    OVERLAY,
                    Revision.of(source.poll().revision())));
            for (int i = 0; i < n; i++) {
                bump(repo, 1000 + i);
                long t0 = System.nanoTime();
                String revision = source.poll().revision();
                Path tree = source.checkout(revision);
                long t1 = System.nanoTime();
                RenderResult r = renderer.render(tree, OVERLAY, Revision.of(revision));
                long t2 = System.nanoTime();
                reconciler.reconcile(r);
                long t3 = System.nanoTime();
                fetch[i] = (t1 - t0) / 1e6;
                render[i] = (t2 - t1) / 1e6;
                apply[i] = (t3 - t2) / 1e6;
            }
        }
        Map<String, Object> params = Map.of("iterations", n, "overlay", "prod", "cluster", "sandbox");
        results.add("bare_fetch_median", BenchResults.percentile(fetch, 50), "ms", params);
        results.add("bare_render_median", BenchResults.percentile(render, 50), "ms", params);
        results.add("bare_plan_apply_prune_median", BenchResults.percentile(apply, 50), "ms", params);
        results.add(
                "bare_total_median",
                BenchResults.percentile(fetch, 50)
                        + BenchResults.percentile(render, 50)
                        + BenchResults.percentile(apply, 50),
                "ms",
                params);
    }

    private static String bump(TestRepo repo, int i) {
        String file = "infra/k8s/base/ui/ui-chat.yaml";
        String content = repo.read(file)
                .replaceAll("image: alfred-platform/ui-chat:\\S+", "image: alfred-platform/ui-chat:b" + i);
        return repo.write(file, content).commit("bench " + i);
    }

    private static Settings settings(TestRepo repo, Path work) {
        return TestSettings.builder(
                        ClusterSettings.of("bench", "prod"),
                        SourceSettings.anonymous(repo.url(), "main", OVERLAY, work),
                        new RenderSettings(
                                "auto", Duration.ofMinutes(1), Map.of("cluster_name", "bench", "cluster_env", "prod")))
                .build();
    }

    private static void awaitApplied(SyncStatus status, String sha) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!sha.equals(status.view().lastAppliedRevision())) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not applied within 60 s: " + sha + "; status " + status.view());
            }
            Thread.sleep(2);
        }
    }
}
