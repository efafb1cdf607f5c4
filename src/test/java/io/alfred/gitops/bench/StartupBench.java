package io.alfred.gitops.bench;

import io.alfred.gitops.testing.SandboxProcess;
import io.alfred.gitops.testing.TestRepo;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
    static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");

    @Test
    void startupAndMemory() throws Exception {
        Assumptions.assumeTrue(Files.exists(JAR), "run mvn package first: " + JAR + " is missing");
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
        results.printAndWrite("start-up and memory of the packaged daemon (JVM options " + IMAGE_JVM_OPTIONS + " "
                + CONTAINER_LIMIT + ")");
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
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> cmd = new ArrayList<>(List.of("java"));
        cmd.addAll(IMAGE_JVM_OPTIONS);
        cmd.addAll(List.of(CONTAINER_LIMIT, "-Dquarkus.http.port=" + port, "-Dgitops.source.interval=2s", "-jar",
                JAR.toString()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().putAll(env);
        long t0 = System.nanoTime();
        Process p = pb.start();
        try {
            HttpClient http = HttpClient.newHttpClient();
            while (code(http, port, "/q/health/ready") != 200) {
                if (!p.isAlive()) {
                    throw new IllegalStateException("the daemon exited with " + p.exitValue() + ": " + cmd);
                }
                Thread.sleep(10);
            }
            double ready = (System.nanoTime() - t0) / 1e6;
            // applied (by this run, or by an earlier one on the same sandbox), then one more cycle with nothing to do
            String applied = awaitStatus(http, port, "\"lastAppliedRevision\":\"[0-9a-f]{40}\"", null);
            if (steady) {
                awaitStatus(http, port, "\"lastResult\":\"noop\"", field(applied, "lastCycleAt"));
            }
            return new Measured(ready, rssMiB(p.pid()), heapUsedMiB(body(http, port, "/q/metrics")));
        } finally {
            p.destroy();
            p.waitFor(60, TimeUnit.SECONDS);
        }
    }

    /** Waits for a /status matching {@code regex} from a cycle other than {@code notCycleAt}; returns it. */
    private static String awaitStatus(HttpClient http, int port, String regex, String notCycleAt) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        Pattern wanted = Pattern.compile(regex);
        while (true) {
            String status = body(http, port, "/status").replace(" ", "");
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

    private static final Pattern HEAP = Pattern.compile("^jvm_memory_used_bytes\\{area=\"heap\"[^}]*}\\s+(\\S+)", Pattern.MULTILINE);

    static double heapUsedMiB(String metrics) {
        Matcher m = HEAP.matcher(metrics);
        double bytes = 0;
        while (m.find()) {
            bytes += Double.parseDouble(m.group(1));
        }
        return bytes / (1024 * 1024);
    }

    private static int code(HttpClient http, int port, String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return 0;
        }
    }

    private static String body(HttpClient http, int port, String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (Exception e) {
            return "";
        }
    }

    private static double rssMiB(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D+", "")) / 1024.0;
            }
        }
        return -1;
    }
}
