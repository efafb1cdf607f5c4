package io.alfred.gitops.bench;

import io.alfred.gitops.Revision;
import io.alfred.gitops.cluster.WriteGuard;
import io.alfred.gitops.config.ApplySettings;
import io.alfred.gitops.config.RenderSettings;
import io.alfred.gitops.config.SafetySettings;
import io.alfred.gitops.reconcile.CycleResult;
import io.alfred.gitops.reconcile.Reconciler;
import io.alfred.gitops.reconcile.Wiring;
import io.alfred.gitops.render.KustomizeOutputs;
import io.alfred.gitops.render.RenderResult;
import io.alfred.gitops.render.Renderer;
import io.alfred.gitops.testing.Kubectl;
import io.alfred.gitops.testing.SandboxProcess;
import io.alfred.gitops.testing.TestCluster;
import io.alfred.gitops.testing.TestRepo;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The same objects through alfred-gitops and through kubectl, against the same API server, side by
 * side in one run: the real control plane when {@code ALFRED_TEST_KUBECONFIG} names one (reset before
 * each tool), else a sandbox API server in a JVM of its own: a cold apply ({@code kubectl apply --server-side}),
 * a diff with nothing to change ({@code kubectl diff --server-side}) and a no-op
 * ({@code kubectl apply --server-side} again, against a cycle on the applied revision). The objects
 * are ConfigMaps, Services and ServiceAccounts in thirds, as in the measurement on a real server that
 * the targets come from. Run with {@code mvn -Pbench}.
 */
class KubectlComparisonBench {
    /** Objects per run: 1,000 and 5,000 ({@code -Pbench-quick}: 1,000; {@code -Dbench.kubectl.sizes} to choose). */
    static final int[] SIZES = java.util.Arrays.stream(
                    System.getProperty("bench.kubectl.sizes", "1000,5000").split(","))
            .mapToInt(x -> Integer.parseInt(x.trim()))
            .toArray();

    static final int RUNS = 3;
    /** {@code -Pbench-quick}: the whole commands only (every target); the cycle-alone rows are the long run's. */
    static final boolean QUICK = Boolean.getBoolean("bench.quick");

    @Test
    void alfredGitopsAgainstKubectl() throws Exception {
        BenchResults results = new BenchResults();
        for (int size : SIZES) {
            Path dir = Files.createTempDirectory("kubectl-bench-" + size);
            Path file = ReconcileBench.generated(dir, size, "ServiceAccount");
            RenderResult render = new Renderer(
                            new RenderSettings("auto", Duration.ofMinutes(2), Map.of()), KustomizeOutputs.NONE)
                    .render(dir, "app", Revision.of("kubectl-bench-" + size));
            Map<String, Object> params =
                    Map.of("objects", render.manifests().size(), "runs", RUNS, "cluster", Server.describe());

            Throttled throttled = new Throttled();
            if (QUICK) {
                // the quick profile answers the targets, which are the whole commands'; the cycle-alone rows
                // (two more control plane resets and cold applies) are the long run's
                System.out.println("KubectlComparisonBench (quick): whole commands only, no cycle-alone rows");
                wholeCommands(results, size, dir, file, params, throttled);
                add429s(results, size, params, throttled);
                continue;
            }
            double kubectlCold;
            double[] kubectlDiff = new double[RUNS];
            double[] kubectlNoop = new double[RUNS];
            try (Server sandbox = Server.start(dir.resolve("kubectl"))) {
                long answered = sandbox.answered429();
                String kubeconfig = sandbox.kubeconfig().toString();
                kubectlCold = seconds(
                        () -> kubectl(0, "--kubeconfig", kubeconfig, "apply", "--server-side", "-f", file.toString()));
                settle(sandbox);
                for (int i = 0; i < RUNS; i++) {
                    kubectlDiff[i] = seconds(() ->
                            kubectl(0, "--kubeconfig", kubeconfig, "diff", "--server-side", "-f", file.toString()));
                    kubectlNoop[i] = seconds(() ->
                            kubectl(0, "--kubeconfig", kubeconfig, "apply", "--server-side", "-f", file.toString()));
                }
                throttled.kubectl += sandbox.answered429() - answered;
            }

            double oursCold;
            double[] oursDiff = new double[RUNS];
            double[] oursNoop = new double[RUNS];
            try (Server sandbox = Server.start(dir.resolve("ours"));
                    KubernetesClient client = sandbox.client();
                    Reconciler reconciler = Wiring.reconciler(
                            client, ApplySettings.defaults(), SafetySettings.defaults(), WriteGuard.ALWAYS)) {
                long answered = sandbox.answered429();
                oursCold = seconds(() -> expect(reconciler.reconcile(render), CycleResult.Outcome.SUCCEEDED));
                settle(sandbox);
                for (int i = 0; i < RUNS; i++) {
                    oursDiff[i] = seconds(() -> {
                        if (reconciler.diff(render).hasChanges()) {
                            throw new AssertionError("diff found changes after the apply");
                        }
                        return null;
                    });
                    oursNoop[i] = seconds(() -> expect(reconciler.reconcile(render), CycleResult.Outcome.NOOP));
                }
                throttled.ours += sandbox.answered429() - answered;
            }

            add(results, "cold_apply", size, oursCold, kubectlCold, params);
            add(
                    results,
                    "diff_no_change",
                    size,
                    BenchResults.percentile(oursDiff, 50),
                    BenchResults.percentile(kubectlDiff, 50),
                    params);
            add(
                    results,
                    "noop",
                    size,
                    BenchResults.percentile(oursNoop, 50),
                    BenchResults.percentile(kubectlNoop, 50),
                    params);
            wholeCommands(results, size, dir, file, params, throttled);
            add429s(results, size, params, throttled);
        }
        results.printAndWrite(
                "alfred-gitops against kubectl, same objects, same API server: " + Server.describe() + " (2 cores)");
    }

    private static void add429s(BenchResults results, int size, Map<String, Object> params, Throttled throttled) {
        if (TestCluster.isRealConfigured()) {
            results.add("answered_429_alfred_gitops_" + size, throttled.ours, "requests", params);
            results.add("answered_429_kubectl_" + size, throttled.kubectl, "requests", params);
        }
    }

    /** The packaged application, as {@code bin/alfred-gitops} runs it. */
    static final Path JAR = Path.of("daemon/target/quarkus-app/quarkus-run.jar");

    /**
     * The whole commands as a person times them, each a process: {@code bin/alfred-gitops} (a JVM
     * and the application per command, the fetch of a git repository holding the objects, the
     * render) against kubectl with {@code -k} on the same directory. The commands that change or
     * diff the cluster run each tool on a control plane of its own, one tool after the other;
     * {@code kubectl kustomize} and {@code kubectl --help} run right before each {@code render} and
     * {@code --help} of ours. Needs the packaged application
     * ({@code mvn -B package -DskipTests} first); without it these rows are left out, saying so.
     */
    private static void wholeCommands(
            BenchResults results, int size, Path dir, Path objects, Map<String, Object> params, Throttled throttled)
            throws Exception {
        if (!Files.isRegularFile(JAR)) {
            System.out.println("whole-command rows left out: " + JAR + " is not built (mvn -B package -DskipTests)");
            return;
        }
        try (TestRepo repo = TestRepo.create(dir.resolve("repo"))) {
            repo.write("app/objects.yaml", Files.readString(objects))
                    .write("app/kustomization.yaml", "resources: [objects.yaml]\n")
                    .commit("bench objects");
            String app = repo.dir().resolve("app").toString();
            Map<String, Object> whole = new LinkedHashMap<>(params);
            whole.put("process", "bin/alfred-gitops and kubectl -k, each a process");

            double kubectlCold;
            double[] kubectlDiff = new double[RUNS];
            double[] kubectlNoop = new double[RUNS];
            double[] kubectlRender = new double[RUNS];
            double[] kubectlHelp = new double[RUNS];
            double[] kubectlRenderNew = new double[RUNS];
            try (Server server = Server.start(dir.resolve("kubectl-whole"))) {
                long answered = server.answered429();
                String kubeconfig = server.kubeconfig().toString();
                kubectlCold =
                        seconds(() -> kubectl(0, "--kubeconfig", kubeconfig, "apply", "--server-side", "-k", app));
                settle(server);
                for (int i = 0; i < RUNS; i++) {
                    kubectlDiff[i] =
                            seconds(() -> kubectl(0, "--kubeconfig", kubeconfig, "diff", "--server-side", "-k", app));
                    kubectlNoop[i] =
                            seconds(() -> kubectl(0, "--kubeconfig", kubeconfig, "apply", "--server-side", "-k", app));
                }
                throttled.kubectl += server.answered429() - answered;
            }

            double oursCold;
            double[] oursDiff = new double[RUNS];
            double[] oursNoop = new double[RUNS];
            double[] oursRender = new double[RUNS];
            double[] oursHelp = new double[RUNS];
            double[] oursRenderNew = new double[RUNS];
            // each command's own account of its seconds (-v), from its last run
            Map<String, String> spent = new LinkedHashMap<>();
            try (Server server = Server.start(dir.resolve("ours-whole"))) {
                long answered = server.answered429();
                Map<String, String> env = Map.of(
                        "KUBECONFIG", server.kubeconfig().toString(),
                        "GITOPS_SOURCE_WORKDIR", dir.resolve("work").toString());
                List<String> where = List.of(
                        "--repo", repo.dir().toString(), "--path", "app", "--cluster", "bench", "--env", "b", "-v");
                // untimed: the first command of each kind after a build records the launcher's class data
                // archive of that kind: status for the application's, and for the commands that run
                // without it a diff of another repository (nothing of this one fetched, rendered or kept
                // before the cold apply)
                ours(env, -1, List.of("status"));
                try (TestRepo warm = TestRepo.create(dir.resolve("warm-repo"))) {
                    warm.write("warm/kustomization.yaml", "resources:\n- cm.yaml\n")
                            .write(
                                    "warm/cm.yaml",
                                    "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: warm, namespace: default}\n")
                            .commit("warm");
                    ours(
                            env,
                            -1,
                            List.of(
                                    "diff",
                                    "--repo",
                                    warm.dir().toString(),
                                    "--path",
                                    "warm",
                                    "--cluster",
                                    "bench",
                                    "--env",
                                    "b"));
                }
                oursCold = seconds(() -> spent.put("cold_apply", ours(env, 0, with(where, "reconcile", "--once"))));
                settle(server);
                // render and --help take a second or less, so a busy minute of this 2-core machine moves
                // them more than any change: kubectl's runs of them are made right before each of ours
                for (int i = 0; i < RUNS; i++) {
                    oursDiff[i] = seconds(() -> spent.put("diff", ours(env, 0, with(where, "diff"))));
                    oursNoop[i] = seconds(() -> spent.put("noop", ours(env, 0, with(where, "reconcile", "--once"))));
                    kubectlRender[i] = seconds(() -> kubectl(0, "kustomize", app));
                    oursRender[i] = seconds(() -> spent.put("render", ours(env, 0, with(where, "render"))));
                    kubectlHelp[i] = seconds(() -> kubectl(0, "--help"));
                    oursHelp[i] = seconds(() -> ours(env, 0, List.of("--help")));
                }
                // render of a commit never rendered before (after a push): Kustomize runs, nothing is kept yet
                for (int i = 0; i < RUNS; i++) {
                    repo.write("app/pushed.txt", "push " + i + "\n").commit("push " + i);
                    kubectlRenderNew[i] = seconds(() -> kubectl(0, "kustomize", app));
                    oursRenderNew[i] =
                            seconds(() -> spent.put("render_new_commit", ours(env, 0, with(where, "render"))));
                }
                throttled.ours += server.answered429() - answered;
            }
            add(results, "command_cold_apply", size, oursCold, kubectlCold, with(whole, spent, "cold_apply"));
            add(results, "command_noop", size, median(oursNoop), median(kubectlNoop), with(whole, spent, "noop"));
            add(results, "command_diff", size, median(oursDiff), median(kubectlDiff), with(whole, spent, "diff"));
            add(
                    results,
                    "command_render",
                    size,
                    median(oursRender),
                    median(kubectlRender),
                    with(whole, spent, "render"));
            add(
                    results,
                    "command_render_new_commit",
                    size,
                    median(oursRenderNew),
                    median(kubectlRenderNew),
                    with(whole, spent, "render_new_commit"));
            add(results, "command_help", size, median(oursHelp), median(kubectlHelp), whole);
            spent.forEach((command, line) -> System.out.println(command + " " + size + ": " + line));
        }
    }

    /** The parameters with the command's own account of its seconds ({@code -v}'s last line). */
    private static Map<String, Object> with(Map<String, Object> params, Map<String, String> spent, String command) {
        Map<String, Object> all = new LinkedHashMap<>(params);
        all.put("seconds", spent.getOrDefault(command, "-"));
        return all;
    }

    private static List<String> with(List<String> options, String... command) {
        List<String> all = new ArrayList<>(List.of(command));
        all.addAll(options);
        return all;
    }

    private static double median(double[] runs) {
        return BenchResults.percentile(runs, 50);
    }

    /**
     * Runs {@code bin/alfred-gitops}, its output discarded; fails the bench on another exit code
     * (-1: any).
     * Returns the {@code # seconds:} line of {@code -v}, or "-".
     */
    private static String ours(Map<String, String> env, int expectedExit, List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bin/alfred-gitops"));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String text = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(10, TimeUnit.MINUTES) || expectedExit >= 0 && p.exitValue() != expectedExit) {
            throw new AssertionError(String.join(" ", cmd) + " exited " + p.exitValue() + ": "
                    + text.substring(Math.max(0, text.length() - 2000)));
        }
        return text.lines()
                .filter(line -> line.startsWith("# seconds: "))
                .reduce((first, last) -> last)
                .map(line -> line.substring("# seconds: ".length()))
                .orElse("-");
    }

    /** The API server both tools talk to: the real control plane if configured, else a sandbox process. */
    private record Server(SandboxProcess sandbox, TestCluster real, Path kubeconfig) implements AutoCloseable {
        static String describe() {
            return TestCluster.isRealConfigured()
                    ? "the real control plane (kube-apiserver 1.23 and its controllers)"
                    : "sandbox API server in its own JVM";
        }

        static Server start(Path dir) throws Exception {
            if (TestCluster.isRealConfigured()) {
                TestCluster real = TestCluster.start();
                return new Server(null, real, real.writeKubeconfig(dir.resolve("kubeconfig")));
            }
            SandboxProcess sandbox = SandboxProcess.start(dir);
            return new Server(sandbox, null, sandbox.kubeconfig());
        }

        KubernetesClient client() throws Exception {
            return real != null ? real.client() : sandbox.client();
        }

        /**
         * Requests the API server answered 429 (its flow control turned them away) since it started,
         * from its own metrics ({@code apiserver_request_total}); the sandbox has no flow control: 0.
         */
        long answered429() throws Exception {
            if (real == null) {
                return 0;
            }
            try (KubernetesClient client = real.client()) {
                return client.raw("/metrics")
                        .lines()
                        .filter(line -> line.startsWith("apiserver_request_total{") && line.contains("code=\"429\""))
                        .mapToLong(line -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                        .sum();
            }
        }

        @Override
        public void close() throws Exception {
            if (real != null) {
                real.close();
            } else {
                sandbox.close();
            }
        }
    }

    /**
     * Waits, outside the timings, until the API server's controllers are done with the applied
     * objects: on a real 1.23 control plane the token controller gives every ServiceAccount a
     * {@code secrets} entry after its creation, and a diff before that sees it (both tools' diffs).
     * Settled: no ServiceAccount of the bench changed for 2 s.
     */
    private static void settle(Server server) throws Exception {
        try (KubernetesClient client = server.client()) {
            String last = "";
            long stableSince = System.nanoTime();
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (System.nanoTime() < deadline) {
                String now = client.serviceAccounts().inAnyNamespace().list().getItems().stream()
                        .map(sa -> sa.getMetadata().getName() + "@"
                                + sa.getMetadata().getResourceVersion())
                        .sorted()
                        .collect(Collectors.joining(","));
                if (!now.equals(last)) {
                    last = now;
                    stableSince = System.nanoTime();
                } else if (System.nanoTime() - stableSince
                        > Duration.ofSeconds(2).toNanos()) {
                    return;
                }
                Thread.sleep(250);
            }
        }
    }

    /** The three figures of a row; a command's own account of its seconds goes with its own figure only. */
    private static void add(
            BenchResults results, String what, int size, double ours, double kubectl, Map<String, Object> params) {
        Map<String, Object> shared = new LinkedHashMap<>(params);
        Object seconds = shared.remove("seconds");
        Map<String, Object> oursParams = new LinkedHashMap<>(shared);
        if (seconds != null) {
            oursParams.put("seconds", seconds);
        }
        results.add(what + "_alfred_gitops_s_" + size, ours, "s", oursParams);
        results.add(what + "_kubectl_s_" + size, kubectl, "s", shared);
        Map<String, Object> ratio = new LinkedHashMap<>(shared);
        ratio.put("note", "alfred-gitops time / kubectl time");
        results.add(what + "_ratio_vs_kubectl_" + size, ours / kubectl, "x", ratio);
    }

    private static Object expect(CycleResult result, CycleResult.Outcome outcome) {
        if (result.outcome() != outcome) {
            throw new AssertionError("expected " + outcome + ", got " + result.outcome() + ": " + result.error());
        }
        return null;
    }

    private static double seconds(Callable<?> work) throws Exception {
        long t0 = System.nanoTime();
        work.call();
        return (System.nanoTime() - t0) / 1e9;
    }

    /** Runs kubectl; {@code diff} exits 1 when it finds differences, which the runs here must not. */
    private static Object kubectl(int expectedExit, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("kubectl"));
        cmd.addAll(List.of(args));
        int kubeconfig = cmd.indexOf("--kubeconfig");
        if (kubeconfig > 0) { // a discovery cache of the server's own, as the tests' kubectl has
            cmd.addAll(
                    1,
                    List.of(
                            "--cache-dir",
                            Kubectl.cacheFor(Path.of(cmd.get(kubeconfig + 1))).toString()));
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != expectedExit) {
            throw new AssertionError(String.join(" ", cmd) + " exited " + p.exitValue() + ": "
                    + out.substring(0, Math.min(2000, out.length())));
        }
        return null;
    }

    /** Requests each tool had answered 429 in its runs of one size. */
    private static final class Throttled {
        long ours;
        long kubectl;
    }
}
