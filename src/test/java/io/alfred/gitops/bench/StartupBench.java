package io.alfred.gitops.bench;

import io.alfred.gitops.testing.DaemonProcess;
import io.alfred.gitops.testing.SandboxProcess;
import io.alfred.gitops.testing.TestRepo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * JVM start-up to ready, and resident memory and heap of the packaged daemon: with the in-process
 * sandbox ({@code run --sandbox}, the README's demo), and alone against a sandbox API server in
 * another JVM, for the example's prod overlay and generated overlays of 1,000 and 5,000 objects.
 * The daemon runs with the JVM options of the container image ({@link #IMAGE_JVM_OPTIONS}) and
 * {@code -XX:MaxRAM} at the Deployment's memory limit. Needs {@code mvn package} first.
 */
class StartupBench {
    /** As in src/main/docker/Dockerfile.jvm and bin/alfred-gitops. */
    static final List<String> IMAGE_JVM_OPTIONS = List.of("-XX:+UseSerialGC", "-XX:MaxRAMPercentage=50",
            "-XX:+ExitOnOutOfMemoryError");
    /** The memory limit of k8s/base/deployment.yaml. */
    static final String CONTAINER_LIMIT = "-XX:MaxRAM=512m";

    @Test
    void startupAndMemory() throws Exception {
        Assumptions.assumeTrue(Files.exists(DaemonProcess.JAR), "run mvn package first: " + DaemonProcess.JAR + " is missing");
        BenchResults results = new BenchResults();
        Path tmp = Files.createTempDirectory("bench-startup");
        try (TestRepo example = TestRepo.withExample(tmp.resolve("infra"))) {
            List<String> demo = List.of("run", "--sandbox", "--repo", example.dir().toString(), "--cluster", "bench",
                    "--env", "prod");
            Measured withSandbox = median(5, () -> measure(demo, Map.of(), false));
            Map<String, Object> p = Map.of("runs", 5, "overlay", "prod", "note", "sandbox API server in the daemon's JVM");
            results.add("startup_to_ready_with_sandbox_median", withSandbox.readyMs, "ms", p);
            results.add("rss_with_sandbox_after_first_cycle_median", withSandbox.rssMiB, "MiB", p);

            try (SandboxProcess sandbox = SandboxProcess.start(tmp.resolve("sandbox-prod"))) {
                List<String> alone = List.of("run", "--repo", example.dir().toString(), "--cluster", "bench", "--env", "prod");
                Measured m = median(5, () -> measure(alone, Map.of("KUBECONFIG", sandbox.kubeconfig().toString()), true));
                Map<String, Object> q = Map.of("runs", 5, "overlay", "prod (35 objects)", "note", "daemon alone; API server in another JVM");
                results.add("startup_to_ready_median", m.readyMs, "ms", q);
                results.add("rss_after_steady_state_prod", m.rssMiB, "MiB", q);
                results.add("heap_used_after_steady_state_prod", m.heapMiB, "MiB", q);
            }
        }
        for (int size : new int[] {1000, 5000}) {
            try (TestRepo repo = TestRepo.create(tmp.resolve("generated-" + size));
                    SandboxProcess sandbox = SandboxProcess.start(tmp.resolve("sandbox-" + size))) {
                ReconcileBench.generated(repo.dir(), size);
                repo.commit("generated " + size + " objects");
                List<String> args = List.of("run", "--repo", repo.dir().toString(), "--path", "app", "--cluster", "bench",
                        "--env", "bench");
                Measured m = measure(args, Map.of("KUBECONFIG", sandbox.kubeconfig().toString()), true);
                Map<String, Object> q = Map.of("objects", size, "note", "daemon alone, after its first no-op cycle");
                results.add("rss_after_steady_state_" + size, m.rssMiB, "MiB", q);
                results.add("heap_used_after_steady_state_" + size, m.heapMiB, "MiB", q);
            }
        }
        Path jdk25 = jdk25();
        if (jdk25 != null) {
            onJdk25(jdk25, tmp, results);
        } else {
            System.out.println("StartupBench: no JDK 25 (set JAVA25_HOME): the JDK 25 rows are not measured");
        }
        results.printAndWrite("start-up and memory of the packaged daemon (JVM options " + IMAGE_JVM_OPTIONS + " "
                + CONTAINER_LIMIT + ")");
    }

    /** JAVA25_HOME, or the Temurin 25 these machines have. */
    static Path jdk25() {
        String explicit = System.getenv("JAVA25_HOME");
        for (String candidate : new String[] {explicit, "/usr/lib/jvm/temurin-25-jdk-amd64"}) {
            if (candidate != null && Files.isExecutable(Path.of(candidate, "bin", "java"))) {
                return Path.of(candidate);
            }
        }
        return null;
    }

    /**
     * The same daemon (Java 17 bytecode) on JDK 25: as it is, then with an AOT cache (JEP 483/514/515)
     * made by one training run of the daemon itself (start-up, a cold apply, a no-op cycle, SIGTERM),
     * then with compact object headers (JEP 519) too, which shrink every object by 4 bytes.
     */
    private static void onJdk25(Path jdk, Path tmp, BenchResults results) throws Exception {
        try (TestRepo example = TestRepo.withExample(tmp.resolve("infra-25"));
                SandboxProcess sandbox = SandboxProcess.start(tmp.resolve("sandbox-25"))) {
            List<String> args = List.of("run", "--repo", example.dir().toString(), "--cluster", "bench", "--env", "prod");
            Map<String, String> env = Map.of("KUBECONFIG", sandbox.kubeconfig().toString());
            Measured plain = median(5, () -> measure(jdk, List.of(), args, env, true));
            Map<String, Object> q = Map.of("runs", 5, "overlay", "prod (35 objects)", "jdk", jdk.toString());
            results.add("startup_to_ready_jdk25_median", plain.readyMs, "ms", q);

            Path cache = tmp.resolve("alfred-gitops.aot");
            train(jdk, cache, args, env);
            List<String> withCache = List.of("-XX:AOTCache=" + cache);
            Measured aot = median(5, () -> measure(jdk, withCache, args, env, true));
            Map<String, Object> a = new LinkedHashMap<>(q);
            a.put("aotCacheMiB", Math.round(Files.size(cache) / 1048576.0));
            results.add("startup_to_ready_jdk25_aot_cache_median", aot.readyMs, "ms", a);
            results.add("rss_after_steady_state_prod_jdk25_aot_cache", aot.rssMiB, "MiB", a);
        }
        for (int size : new int[] {5000}) {
            try (TestRepo repo = TestRepo.create(tmp.resolve("generated-25-" + size));
                    SandboxProcess sandbox = SandboxProcess.start(tmp.resolve("sandbox-25-" + size))) {
                ReconcileBench.generated(repo.dir(), size);
                repo.commit("generated " + size + " objects");
                List<String> args = List.of("run", "--repo", repo.dir().toString(), "--path", "app", "--cluster", "bench",
                        "--env", "bench");
                Map<String, String> env = Map.of("KUBECONFIG", sandbox.kubeconfig().toString());
                Measured plain = measure(jdk, List.of(), args, env, true);
                results.add("rss_after_steady_state_" + size + "_jdk25", plain.rssMiB, "MiB", Map.of("objects", size));
                Measured compact = measure(jdk, List.of("-XX:+UseCompactObjectHeaders"), args, env, true);
                results.add("rss_after_steady_state_" + size + "_jdk25_compact_headers", compact.rssMiB, "MiB",
                        Map.of("objects", size, "note", "-XX:+UseCompactObjectHeaders"));
                results.add("heap_used_after_steady_state_" + size + "_jdk25_compact_headers", compact.heapMiB, "MiB",
                        Map.of("objects", size));
            }
        }
    }

    /** One training run: the JVM writes the AOT cache when the daemon exits on SIGTERM. */
    private static void train(Path jdk, Path cache, List<String> args, Map<String, String> env) throws Exception {
        List<String> jvm = new ArrayList<>(IMAGE_JVM_OPTIONS);
        jvm.addAll(List.of(CONTAINER_LIMIT, "-Dgitops.source.interval=2s", "-XX:AOTCacheOutput=" + cache));
        Path log = Files.createTempFile("startup-bench-train", ".log");
        try (DaemonProcess daemon = DaemonProcess.start(jdk, jvm, args, env, log)) {
            awaitReady(daemon);
            awaitApplied(daemon, true);
            daemon.terminate();
        }
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (!Files.exists(cache) && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        if (!Files.exists(cache)) {
            throw new IllegalStateException("the training run wrote no AOT cache; see " + log);
        }
    }

    record Measured(double readyMs, double rssMiB, double heapMiB) {
    }

    interface Run {
        Measured once() throws Exception;
    }

    private static Measured median(int runs, Run run) throws Exception {
        double[] ready = new double[runs];
        double[] rss = new double[runs];
        double[] heap = new double[runs];
        for (int i = 0; i < runs; i++) {
            Measured m = run.once();
            ready[i] = m.readyMs;
            rss[i] = m.rssMiB;
            heap[i] = m.heapMiB;
        }
        return new Measured(BenchResults.percentile(ready, 50), BenchResults.percentile(rss, 50),
                BenchResults.percentile(heap, 50));
    }

    /** Starts the daemon, times it to ready, waits for a succeeded cycle (and a no-op one when asked), reads its memory. */
    private static Measured measure(List<String> args, Map<String, String> env, boolean steady) throws Exception {
        return measure(Path.of(System.getProperty("java.home")), List.of(), args, env, steady);
    }

    private static Measured measure(Path jdk, List<String> extraJvmOptions, List<String> args, Map<String, String> env,
            boolean steady) throws Exception {
        List<String> jvm = new ArrayList<>(IMAGE_JVM_OPTIONS);
        jvm.addAll(List.of(CONTAINER_LIMIT, "-Dgitops.source.interval=2s"));
        jvm.addAll(extraJvmOptions);
        Path log = Files.createTempFile("startup-bench", ".log");
        long t0 = System.nanoTime();
        try (DaemonProcess daemon = DaemonProcess.start(jdk, jvm, args, env, log)) {
            awaitReady(daemon);
            double ready = (System.nanoTime() - t0) / 1e6;
            awaitApplied(daemon, steady);
            return new Measured(ready, daemon.rssMiB(),
                    daemon.metricSum("jvm_memory_used_bytes{area=\"heap\"") / (1024 * 1024));
        }
    }

    private static void awaitReady(DaemonProcess daemon) throws InterruptedException {
        while (daemon.code("/q/health/ready") != 200) {
            if (!daemon.isAlive()) {
                throw new IllegalStateException("the daemon exited: " + daemon.log());
            }
            Thread.sleep(10);
        }
    }

    /** A revision applied (by this run, or by an earlier one on the same sandbox), then, when asked, one more cycle with nothing to do. */
    private static void awaitApplied(DaemonProcess daemon, boolean steady) throws InterruptedException {
        String applied = awaitStatus(daemon, "\"lastAppliedRevision\":\"[0-9a-f]{40}\"", null);
        if (steady) {
            awaitStatus(daemon, "\"lastResult\":\"noop\"", field(applied, "lastCycleAt"));
        }
    }

    /** Waits for a /status matching {@code regex} from a cycle other than {@code notCycleAt}; returns it. */
    private static String awaitStatus(DaemonProcess daemon, String regex, String notCycleAt) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        Pattern wanted = Pattern.compile(regex);
        while (true) {
            String status = daemon.body("/status").replace(" ", "");
            if (wanted.matcher(status).find() && (notCycleAt == null || !notCycleAt.equals(field(status, "lastCycleAt")))) {
                return status;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the daemon never reported " + regex + ": " + status);
            }
            Thread.sleep(50);
        }
    }

    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":\"([^\"]*)\"").matcher(json);
        return m.find() ? m.group(1) : "";
    }
}
