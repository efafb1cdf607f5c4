package io.alfred.gitops.bench;

import com.sun.management.OperatingSystemMXBean;
import io.alfred.gitops.Revision;
import io.alfred.gitops.Stage;
import io.alfred.gitops.cluster.WriteGuard;
import io.alfred.gitops.config.ApplySettings;
import io.alfred.gitops.config.RenderLimits;
import io.alfred.gitops.config.RenderSettings;
import io.alfred.gitops.config.SafetySettings;
import io.alfred.gitops.config.SourceSettings;
import io.alfred.gitops.config.YamlLimits;
import io.alfred.gitops.reconcile.CycleResult;
import io.alfred.gitops.reconcile.Reconciler;
import io.alfred.gitops.reconcile.Wiring;
import io.alfred.gitops.render.KustomizeOutputs;
import io.alfred.gitops.render.Manifest;
import io.alfred.gitops.render.RenderResult;
import io.alfred.gitops.render.Renderer;
import io.alfred.gitops.source.GitSource;
import io.alfred.gitops.testing.SandboxProcess;
import io.alfred.gitops.testing.TestRepo;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Cold apply and steady state of generated overlays on the sandbox, side by side with a bare loop
 * of fabric8 server-side apply calls; render against {@code kubectl kustomize} alone; a no-change
 * fetch against {@code git fetch}. Run with {@code mvn -Pbench}.
 */
class ReconcileBench {
    /** The overlay sizes, objects; {@code -Dbench.sizes=20000} runs another (one size takes minutes at that size). */
    static final int[] SIZES = Arrays.stream(
                    System.getProperty("bench.sizes", "100,1000,5000").split(","))
            .map(String::trim)
            .mapToInt(Integer::parseInt)
            .toArray();

    static final int STEADY_WARMUP = 30;
    static final int STEADY_RUNS = 20;

    @Test
    void coldApplyAndSteadyState() throws Exception {
        BenchResults results = new BenchResults();
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        for (int size : SIZES) {
            Path dir = Files.createTempDirectory("bench-" + size);
            generated(dir, size);
            // past 10,000 objects the default bounds on one render (gitops.render.limits.*) refuse it
            YamlLimits yaml = YamlLimits.defaults();
            RenderLimits limits = RenderLimits.defaults()
                    .withObjects(2 * size)
                    .withYaml(new YamlLimits(yaml.aliases(), yaml.depth(), yaml.nodes() + 100 * size, 2 * size));
            RenderResult render = new Renderer(
                            new RenderSettings("auto", Duration.ofMinutes(2), Map.of(), limits), KustomizeOutputs.NONE)
                    .render(dir, "app", Revision.of("bench-" + size));
            Map<String, Object> params =
                    Map.of("objects", render.manifests().size(), "cluster", "sandbox API server in its own JVM");

            double bare;
            try (SandboxProcess sandbox = SandboxProcess.start(dir.resolve("bare"));
                    KubernetesClient client = sandbox.client()) {
                long t0 = System.nanoTime();
                for (Manifest m : render.manifests()) {
                    client.resource(client.getKubernetesSerialization()
                                    .convertValue(m.body(), GenericKubernetesResource.class))
                            .fieldManager("bare")
                            .forceConflicts()
                            .serverSideApply();
                }
                bare = (System.nanoTime() - t0) / 1e9;
            }
            try (SandboxProcess sandbox = SandboxProcess.start(dir.resolve("ours"));
                    KubernetesClient client = sandbox.client();
                    Reconciler reconciler = Wiring.reconciler(
                            client, ApplySettings.defaults(), SafetySettings.defaults(), WriteGuard.ALWAYS)) {
                long t0 = System.nanoTime();
                CycleResult cold = reconciler.reconcile(render);
                double ours = (System.nanoTime() - t0) / 1e9;
                if (cold.outcome() != CycleResult.Outcome.SUCCEEDED) {
                    throw new AssertionError("cold apply did not succeed: " + cold.error());
                }
                // the cycle also waits for the Deployments to roll out, which the bare loop does not
                double waited = cold.stageDurations()
                                .getOrDefault(Stage.WAIT, Duration.ZERO)
                                .toNanos()
                        / 1e9;
                double oursWithoutWait = ours - waited;
                results.add(
                        "cold_apply_objects_per_s_" + size, render.manifests().size() / ours, "obj/s", params);
                results.add("cold_apply_rollout_wait_" + size, waited * 1000, "ms", params);
                results.add(
                        "cold_apply_bare_ssa_objects_per_s_" + size,
                        render.manifests().size() / bare,
                        "obj/s",
                        params);
                results.add(
                        "cold_apply_time_ratio_vs_bare_" + size,
                        oursWithoutWait / bare,
                        "x",
                        Map.of("objects", render.manifests().size(), "note", "the cycle without its rollout wait"));
                results.add("cold_apply_time_ratio_vs_bare_with_rollout_wait_" + size, ours / bare, "x", params);

                // The daemon's own cost: this JVM runs the reconciler only; the server runs in the other one.
                // the daemon repeats this cycle every interval for its whole life: measure it once the JIT has compiled
                // it
                long firstCpu0 = os.getProcessCpuTime();
                reconciler.reconcile(render);
                double firstCpu = (os.getProcessCpuTime() - firstCpu0) / 1e6;
                for (int i = 1; i < STEADY_WARMUP; i++) {
                    reconciler.reconcile(render);
                }
                double[] wall = new double[STEADY_RUNS];
                double[] cpu = new double[STEADY_RUNS];
                double[] threadCpu = new double[STEADY_RUNS];
                Map<String, Long> verbs = Map.of();
                for (int i = 0; i < STEADY_RUNS; i++) {
                    sandbox.resetRequestCounts();
                    long cpu0 = os.getProcessCpuTime();
                    long threads0 = javaThreadsCpuNanos();
                    long w0 = System.nanoTime();
                    CycleResult steady = reconciler.reconcile(render);
                    wall[i] = (System.nanoTime() - w0) / 1e6;
                    threadCpu[i] = (javaThreadsCpuNanos() - threads0) / 1e6;
                    cpu[i] = (os.getProcessCpuTime() - cpu0) / 1e6;
                    verbs = sandbox.requestCounts();
                    if (steady.outcome() != CycleResult.Outcome.NOOP) {
                        throw new AssertionError("steady state was not a no-op: " + steady.outcome());
                    }
                }
                Map<String, Object> p = new LinkedHashMap<>(params);
                p.put("requests", verbs);
                p.put("runs", STEADY_RUNS);
                p.put("warm-up cycles", STEADY_WARMUP);
                results.add("steady_state_wall_median_" + size, BenchResults.percentile(wall, 50), "ms", p);
                results.add(
                        "steady_state_daemon_thread_cpu_median_" + size,
                        BenchResults.percentile(threadCpu, 50),
                        "ms",
                        Map.of(
                                "objects",
                                size,
                                "runs",
                                STEADY_RUNS,
                                "warm-up cycles",
                                STEADY_WARMUP,
                                "note",
                                "the Java threads of the daemon's JVM: the cycle's own work"));
                results.add(
                        "steady_state_daemon_process_cpu_median_" + size,
                        BenchResults.percentile(cpu, 50),
                        "ms",
                        Map.of(
                                "objects",
                                size,
                                "runs",
                                STEADY_RUNS,
                                "warm-up cycles",
                                STEADY_WARMUP,
                                "note",
                                "the daemon's whole JVM, with GC and JIT threads; the API server runs in another"));
                results.add(
                        "steady_state_daemon_cpu_first_cycle_" + size,
                        firstCpu,
                        "ms",
                        Map.of("objects", size, "note", "the first steady cycle, before the JIT compiled it"));
                results.add(
                        "steady_state_write_requests_" + size,
                        verbs.entrySet().stream()
                                .filter(e ->
                                        !e.getKey().equals("GET") && !e.getKey().equals("LIST"))
                                .mapToLong(Map.Entry::getValue)
                                .sum(),
                        "req",
                        Map.of("objects", size));
                results.add(
                        "steady_state_read_requests_" + size,
                        verbs.getOrDefault("GET", 0L) + verbs.getOrDefault("LIST", 0L),
                        "req",
                        Map.of("objects", size));
            }
        }
        renderAndFetch(results);
        results.printAndWrite("cold apply, steady state, render, fetch (sandbox; 2 cores)");
    }

    /** CPU time of every live Java thread (not the JVM's GC and JIT threads, which the process figure includes). */
    static long javaThreadsCpuNanos() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (long id : threads.getAllThreadIds()) {
            long t = threads.getThreadCpuTime(id);
            sum += Math.max(0, t);
        }
        return sum;
    }

    /** ConfigMaps, Services and Deployments in thirds, plain YAML files (no Kustomize), in one namespace. */
    static void generated(Path root, int size) throws Exception {
        generated(root, size, "Deployment");
    }

    /**
     * A Namespace, then ConfigMaps, Services and {@code third} (Deployment or ServiceAccount) in
     * thirds, in {@code root/app/objects.yaml}; returns that file.
     */
    static Path generated(Path root, int size, String third) throws Exception {
        Path app = Files.createDirectories(root.resolve("app"));
        StringBuilder sb = new StringBuilder("apiVersion: v1\nkind: Namespace\nmetadata: {name: bench}\n");
        for (int i = 0; i < size; i++) {
            sb.append("---\n");
            switch (i % 3) {
                case 0 ->
                    sb.append("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm-")
                            .append(i)
                            .append(", namespace: bench}\ndata: {key: value-")
                            .append(i)
                            .append("}\n");
                case 1 ->
                    sb.append("apiVersion: v1\nkind: Service\nmetadata: {name: svc-")
                            .append(i)
                            .append(", namespace: bench}\nspec:\n  selector: {app: app-")
                            .append(i)
                            .append("}\n  ports: [{port: 80, targetPort: 8080}]\n");
                default ->
                    sb.append(
                            third.equals("ServiceAccount")
                                    ? "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: sa-" + i
                                            + ", namespace: bench}\n"
                                    : "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: app-" + i
                                            + ", namespace: bench}\nspec:\n"
                                            + "  replicas: 1\n  selector: {matchLabels: {app: app-" + i
                                            + "}}\n  template:\n"
                                            + "    metadata: {labels: {app: app-" + i + "}}\n    spec:\n"
                                            + "      containers: [{name: app, image: 'nginx:1.27'}]\n");
            }
        }
        Path file = app.resolve("objects.yaml");
        Files.writeString(file, sb.toString());
        return file;
    }

    private void renderAndFetch(BenchResults results) throws Exception {
        Path tmp = Files.createTempDirectory("bench-render");
        try (TestRepo repo = TestRepo.withExample(tmp.resolve("infra"))) {
            Path overlay = repo.dir().resolve("infra/k8s/overlays/prod");
            int n = 10;
            double[] ours = new double[n];
            double[] kubectl = new double[n];
            for (int i = 0; i < n; i++) {
                long t0 = System.nanoTime();
                new Renderer(
                                new RenderSettings(
                                        "auto",
                                        Duration.ofMinutes(1),
                                        Map.of("cluster_name", "b", "cluster_env", "prod")),
                                KustomizeOutputs.NONE)
                        .render(repo.dir(), "infra/k8s/overlays/prod", Revision.of("r" + i));
                ours[i] = (System.nanoTime() - t0) / 1e6;
                long t1 = System.nanoTime();
                Process p = new ProcessBuilder("kubectl", "kustomize", overlay.toString())
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectError(ProcessBuilder.Redirect.DISCARD)
                        .start();
                p.waitFor(60, TimeUnit.SECONDS);
                kubectl[i] = (System.nanoTime() - t1) / 1e6;
            }
            double o = BenchResults.percentile(ours, 50);
            double k = BenchResults.percentile(kubectl, 50);
            results.add("render_prod_median", o, "ms", Map.of("runs", n));
            results.add("kubectl_kustomize_prod_median", k, "ms", Map.of("runs", n));
            results.add("render_ratio_vs_kubectl_kustomize", o / k, "x", Map.of("runs", n));
        }
        // no-change fetch on a repository with 10,000 commits, against git fetch
        Path big = Files.createTempDirectory("bench-fetch");
        try (TestRepo repo = TestRepo.create(big.resolve("remote"))) {
            repo.write("file.txt", "history\n").commit("first");
            repo.emptyCommits(9_999);
            Path clone = big.resolve("git-clone");
            run("git", "clone", "-q", "--bare", repo.dir().toString(), clone.toString());
            try (GitSource source =
                    new GitSource(SourceSettings.anonymous(repo.url(), "main", ".", big.resolve("work")))) {
                source.poll();
                int n = 10;
                double[] ours = new double[n];
                double[] git = new double[n];
                for (int i = 0; i < n; i++) {
                    long t0 = System.nanoTime();
                    source.poll();
                    ours[i] = (System.nanoTime() - t0) / 1e6;
                    long t1 = System.nanoTime();
                    run("git", "-C", clone.toString(), "fetch", "-q", "origin");
                    git[i] = (System.nanoTime() - t1) / 1e6;
                }
                double o = BenchResults.percentile(ours, 50);
                double g = BenchResults.percentile(git, 50);
                results.add("no_change_fetch_median", o, "ms", Map.of("commits", 10_000));
                results.add("git_fetch_no_change_median", g, "ms", Map.of("commits", 10_000));
                results.add("no_change_fetch_ratio_vs_git", o / g, "x", Map.of("commits", 10_000));
            }
        }
    }

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed");
        }
    }
}
