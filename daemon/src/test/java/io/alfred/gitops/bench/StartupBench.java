package io.alfred.gitops.bench;

import io.alfred.gitops.testing.DaemonProcess;
import io.alfred.gitops.testing.SandboxProcess;
import io.alfred.gitops.testing.TestRepo;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * JVM start-up to ready, and resident memory, heap and CPU of the packaged daemon: with the in-process
 * sandbox ({@code run --sandbox}, the README's demo), and alone against a sandbox API server in
 * another JVM, for the example's prod overlay and generated overlays of 1,000 and 5,000 objects. The
 * daemon runs with the JVM options of the container image ({@link #JVM_OPTIONS}) and
 * {@code -XX:MaxRAM} at the Deployment's memory limit; on JDK 17 as {@code bin/alfred-gitops} runs it
 * (needs {@code mvn package}), and on JDK 25 as the container image runs it: the aot-jar build
 * ({@code mvn -Paot package}) with an AOT cache made by {@link #TRAIN}, the image's own training run.
 */
class StartupBench {
    /** The daemon's JVM options: the container image, bin/alfred-gitops and this bench read this file. */
    static final Path JVM_OPTIONS = Path.of("daemon/src/main/docker/jvm.options");

    static final List<String> IMAGE_JVM_OPTIONS = List.of("@" + JVM_OPTIONS.toAbsolutePath());
    /** The memory limit of k8s/base/deployment.yaml. */
    static final String CONTAINER_LIMIT = "-XX:MaxRAM=512m";
    /** The environment Dockerfile.jvm sets, which every daemon of this bench runs with. */
    static final Map<String, String> IMAGE_ENV = Map.of("MALLOC_ARENA_MAX", "2");
    /** C1 and C2 together, the JVM's default, against which jvm.options' C1 only is measured. */
    static final String WITH_C2 = "-XX:TieredStopAtLevel=4";
    /** The container image's build of the daemon. */
    static final Path AOT_JAR = Path.of("daemon/target/quarkus-app-aot/quarkus-run.jar");
    /**
     * Longer than jvm.options' G1PeriodicGCInterval (15 s): by then an idle daemon has given back what
     * a burst took. Shorter than the relist that comes every 10 intervals of {@link #STEADY_INTERVAL}.
     */
    static final Duration SETTLE = Duration.ofSeconds(25);
    /**
     * The sync interval of the generated runs. The interval ticks during the cold apply, so the no-op
     * cycle follows it at once; the quiet intervals after it are skipped, and the relist (every 10
     * intervals, 50 s) comes after the {@link #SETTLE} reading.
     */
    static final Duration STEADY_INTERVAL = Duration.ofSeconds(5);
    /**
     * {@code -Pbench-quick}: 3 runs instead of 5, and only what a target asks for (start-up to ready,
     * memory at 5,000 objects): no C2 comparison, no 1,000-object run, no container image rows.
     */
    static final boolean QUICK = Boolean.getBoolean("bench.quick");

    static final int RUNS = QUICK ? 3 : 5;

    /** The container image's training run for its AOT cache. */
    static final Path TRAIN = Path.of("daemon/src/main/docker/aot-train.sh");

    @Test
    void startupAndMemory() throws Exception {
        Assumptions.assumeTrue(
                Files.exists(DaemonProcess.JAR), "run mvn package first: " + DaemonProcess.JAR + " is missing");
        BenchResults results = new BenchResults();
        Path tmp = Files.createTempDirectory("bench-startup");
        Path jdk17 = Path.of(System.getProperty("java.home"));
        try (TestRepo example = TestRepo.withExample(tmp.resolve("infra"))) {
            List<String> demo = List.of(
                    "run", "--sandbox", "--repo", example.dir().toString(), "--cluster", "bench", "--env", "prod");
            // no target rests on the sandbox's row: the quick profile measures it once
            int sandboxRuns = QUICK ? 1 : RUNS;
            Measured withSandbox =
                    median(sandboxRuns, () -> measure(jdk17, DaemonProcess.JAR, List.of(), demo, Map.of(), false));
            Map<String, Object> p =
                    Map.of("runs", sandboxRuns, "overlay", "prod", "note", "sandbox API server in the daemon's JVM");
            results.add("startup_to_ready_with_sandbox_median", withSandbox.readyMs, "ms", p);
            results.add("rss_with_sandbox_after_first_cycle_median", withSandbox.rssMiB, "MiB", p);

            try (SandboxProcess sandbox = SandboxProcess.start(tmp.resolve("sandbox-prod"))) {
                List<String> alone =
                        List.of("run", "--repo", example.dir().toString(), "--cluster", "bench", "--env", "prod");
                Map<String, String> env =
                        Map.of("KUBECONFIG", sandbox.kubeconfig().toString());
                Measured m = median(RUNS, () -> measure(jdk17, DaemonProcess.JAR, List.of(), alone, env, true));
                Map<String, Object> q = Map.of(
                        "runs",
                        RUNS,
                        "overlay",
                        "prod (35 objects)",
                        "note",
                        "daemon alone; API server in another JVM");
                results.add("startup_to_ready_median", m.readyMs, "ms", q);
                results.add("rss_after_steady_state_prod", m.rssMiB, "MiB", q);
                results.add("heap_used_after_steady_state_prod", m.heapMiB, "MiB", q);
                if (!QUICK) {
                    Measured c2 =
                            median(RUNS, () -> measure(jdk17, DaemonProcess.JAR, List.of(WITH_C2), alone, env, true));
                    results.add(
                            "startup_to_ready_median_with_c2", c2.readyMs, "ms", Map.of("runs", RUNS, "note", WITH_C2));
                }
            }
        }
        for (int size : QUICK ? new int[] {5000} : new int[] {1000, 5000}) {
            generatedRun(tmp, size, "jdk17", jdk17, DaemonProcess.JAR, List.of(), results);
        }
        if (QUICK) {
            System.out.println("StartupBench (quick): no C2 comparison, no 1,000-object run, no container image rows");
        } else {
            generatedRun(tmp, 5000, "jdk17_with_c2", jdk17, DaemonProcess.JAR, List.of(WITH_C2), results);
            asTheImageRunsIfBuilt(tmp, results);
        }
        results.printAndWrite(
                "start-up and memory of the packaged daemon (JVM options " + JVM_OPTIONS + " " + CONTAINER_LIMIT + ")");
    }

    /** The container image's rows, when a JDK 25 and the aot-jar build are there. */
    private static void asTheImageRunsIfBuilt(Path tmp, BenchResults results) throws Exception {
        Path jdk25 = jdk25();
        if (jdk25 == null) {
            System.out.println(
                    "StartupBench: no JDK 25 (set JAVA25_HOME): the container image's rows are not measured");
        } else if (!Files.exists(AOT_JAR)) {
            System.out.println("StartupBench: " + AOT_JAR
                    + " is missing (mvn -Paot package): the container image's rows are not measured");
        } else {
            asTheImageRuns(jdk25, tmp, results);
        }
    }

    /**
     * A cold apply of a generated overlay of {@code size} objects, then a no-op cycle: the figures of the steady
     * state.
     */
    private static void generatedRun(
            Path tmp, int size, String label, Path jdk, Path jar, List<String> jvm, BenchResults results)
            throws Exception {
        try (TestRepo repo = TestRepo.create(tmp.resolve("generated-" + label + "-" + size));
                SandboxProcess sandbox = SandboxProcess.start(tmp.resolve("sandbox-" + label + "-" + size))) {
            ReconcileBench.generated(repo.dir(), size);
            repo.commit("generated " + size + " objects");
            List<String> args = List.of(
                    "run", "--repo", repo.dir().toString(), "--path", "app", "--cluster", "bench", "--env", "bench");
            Measured m = measure(
                    jdk,
                    jar,
                    jvm,
                    args,
                    Map.of("KUBECONFIG", sandbox.kubeconfig().toString()),
                    true,
                    STEADY_INTERVAL,
                    SETTLE);
            Map<String, Object> q = Map.of(
                    "objects",
                    size,
                    "jvm",
                    label + " " + jvm,
                    "note",
                    "daemon alone, after its first no-op cycle (interval " + STEADY_INTERVAL.toSeconds() + " s)");
            results.add("rss_after_steady_state_" + size + "_" + label, m.rssMiB, "MiB", q);
            results.add(
                    "rss_settled_" + size + "_" + label,
                    m.rssSettledMiB,
                    "MiB",
                    Map.of(
                            "objects",
                            size,
                            "jvm",
                            label + " " + jvm,
                            "note",
                            "daemon alone, idle for " + SETTLE.toSeconds() + " s after its first no-op cycle"));
            results.add("heap_used_after_steady_state_" + size + "_" + label, m.heapMiB, "MiB", q);
            results.add("cold_apply_" + size + "_" + label, m.appliedMs, "ms", q);
            results.add("daemon_cpu_to_steady_state_" + size + "_" + label, m.cpuMs, "ms", q);
        }
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
     * The daemon as the container image runs it: the aot-jar build (Java 17 bytecode) on JDK 25, as
     * it is, then with the AOT cache of the image's training run (JEP 483/514/515), then with compact
     * object headers (JEP 519), which shrink every object by 4 bytes and need a cache of their own.
     */
    private static void asTheImageRuns(Path jdk, Path tmp, BenchResults results) throws Exception {
        Path cache = train(jdk, tmp, "alfred-gitops.aot", List.of());
        List<String> withCache = List.of("-XX:AOTCache=" + cache.toAbsolutePath());
        try (TestRepo example = TestRepo.withExample(tmp.resolve("infra-25"));
                SandboxProcess sandbox = SandboxProcess.start(tmp.resolve("sandbox-25"))) {
            List<String> args =
                    List.of("run", "--repo", example.dir().toString(), "--cluster", "bench", "--env", "prod");
            Map<String, String> env = Map.of("KUBECONFIG", sandbox.kubeconfig().toString());
            Measured plain = median(5, () -> measure(jdk, AOT_JAR, List.of(), args, env, true));
            Map<String, Object> q = Map.of("runs", 5, "overlay", "prod (35 objects)", "jdk", jdk.toString());
            results.add("startup_to_ready_jdk25_median", plain.readyMs, "ms", q);
            Measured aot = median(5, () -> measure(jdk, AOT_JAR, withCache, args, env, true));
            Map<String, Object> a = new LinkedHashMap<>(q);
            a.put("aotCacheMiB", Math.round(Files.size(cache) / 1048576.0));
            results.add("startup_to_ready_jdk25_aot_cache_median", aot.readyMs, "ms", a);
            results.add("rss_after_steady_state_prod_jdk25_aot_cache", aot.rssMiB, "MiB", a);
        }
        generatedRun(tmp, 5000, "jdk25_aot_cache", jdk, AOT_JAR, withCache, results);
        String compact = "-XX:+UseCompactObjectHeaders";
        Path compactCache = train(jdk, tmp, "alfred-gitops-compact.aot", List.of(compact));
        generatedRun(
                tmp,
                5000,
                "jdk25_aot_cache_compact_headers",
                jdk,
                AOT_JAR,
                List.of(compact, "-XX:AOTCache=" + compactCache.toAbsolutePath()),
                results);
    }

    /** The image's training run ({@link #TRAIN}) on the example's prod overlay; the cache it wrote. */
    private static Path train(Path jdk, Path tmp, String name, List<String> extraJvmOptions) throws Exception {
        Path cache = tmp.resolve(name);
        try (TestRepo example = TestRepo.withExample(tmp.resolve("training-" + name))) {
            List<String> cmd = new ArrayList<>(List.of(
                    TRAIN.toAbsolutePath().toString(),
                    AOT_JAR.getParent().toString(),
                    cache.toString(),
                    example.dir().toString(),
                    "infra/k8s/overlays/prod"));
            cmd.addAll(IMAGE_JVM_OPTIONS);
            cmd.add(CONTAINER_LIMIT);
            cmd.addAll(extraJvmOptions);
            ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO();
            pb.environment().put("JAVA", jdk.resolve("bin/java").toString());
            pb.environment().put("AOT_TRAIN_PORT", String.valueOf(freePort()));
            Process p = pb.start();
            if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException(TRAIN + " failed; see " + cache + ".log");
            }
        }
        return cache;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    record Measured(
            double readyMs, double rssMiB, double heapMiB, double appliedMs, double cpuMs, double rssSettledMiB) {}

    interface Run {
        Measured once() throws Exception;
    }

    private static Measured median(int runs, Run run) throws Exception {
        double[][] values = new double[6][runs];
        for (int i = 0; i < runs; i++) {
            Measured m = run.once();
            values[0][i] = m.readyMs;
            values[1][i] = m.rssMiB;
            values[2][i] = m.heapMiB;
            values[3][i] = m.appliedMs;
            values[4][i] = m.cpuMs;
            values[5][i] = m.rssSettledMiB;
        }
        return new Measured(
                BenchResults.percentile(values[0], 50),
                BenchResults.percentile(values[1], 50),
                BenchResults.percentile(values[2], 50),
                BenchResults.percentile(values[3], 50),
                BenchResults.percentile(values[4], 50),
                BenchResults.percentile(values[5], 50));
    }

    private static Measured measure(
            Path jdk,
            Path jar,
            List<String> extraJvmOptions,
            List<String> args,
            Map<String, String> env,
            boolean steady)
            throws Exception {
        return measure(jdk, jar, extraJvmOptions, args, env, steady, Duration.ofSeconds(2), Duration.ZERO);
    }

    /**
     * Starts the daemon with this sync interval, times it to ready, waits for a succeeded cycle (and a
     * no-op one when asked), reads its memory and the CPU it used so far, then its memory again after
     * {@code settle} idle.
     */
    private static Measured measure(
            Path jdk,
            Path jar,
            List<String> extraJvmOptions,
            List<String> args,
            Map<String, String> env,
            boolean steady,
            Duration interval,
            Duration settle)
            throws Exception {
        List<String> jvm = new ArrayList<>(IMAGE_JVM_OPTIONS);
        jvm.addAll(List.of(CONTAINER_LIMIT, "-Dgitops.source.interval=" + interval.toSeconds() + "s"));
        jvm.addAll(extraJvmOptions);
        Path log = Files.createTempFile("startup-bench", ".log");
        long t0 = System.nanoTime();
        Map<String, String> environment = new HashMap<>(IMAGE_ENV);
        environment.putAll(env);
        try (DaemonProcess daemon = DaemonProcess.start(jdk, jar, jvm, args, environment, log)) {
            awaitReady(daemon);
            double ready = (System.nanoTime() - t0) / 1e6;
            String applied = awaitStatus(daemon, "\"lastAppliedRevision\":\"[0-9a-f]{40}\"", null);
            double appliedMs = (System.nanoTime() - t0) / 1e6 - ready;
            if (steady) {
                awaitStatus(daemon, "\"lastResult\":\"noop\"", field(applied, "lastCycleAt"));
            }
            double rss = daemon.rssMiB();
            double heap = daemon.metricSum("jvm_memory_used_bytes{area=\"heap\"") / (1024 * 1024);
            double cpu = daemon.cpuMs();
            Thread.sleep(settle.toMillis());
            return new Measured(ready, rss, heap, appliedMs, cpu, daemon.rssMiB());
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

    /** Waits for a /status matching {@code regex} from a cycle other than {@code notCycleAt}; returns it. */
    private static String awaitStatus(DaemonProcess daemon, String regex, String notCycleAt)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        Pattern wanted = Pattern.compile(regex);
        while (true) {
            String status = daemon.body("/status").replace(" ", "");
            if (wanted.matcher(status).find()
                    && (notCycleAt == null || !notCycleAt.equals(field(status, "lastCycleAt")))) {
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
