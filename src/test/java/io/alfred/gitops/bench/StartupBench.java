package io.alfred.gitops.bench;

import io.alfred.gitops.testing.TestRepo;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * JVM start-up to ready, and resident memory after the first cycle, of the packaged daemon
 * ({@code run --sandbox}, so the sandbox API server's memory is included). Needs
 * {@code mvn package} first.
 */
class StartupBench {

    @Test
    void startupAndMemory() throws Exception {
        Path jar = Path.of("target/quarkus-app/quarkus-run.jar");
        Assumptions.assumeTrue(Files.exists(jar), "run mvn package first: " + jar + " is missing");
        BenchResults results = new BenchResults();
        Path tmp = Files.createTempDirectory("bench-startup");
        try (TestRepo repo = TestRepo.withExample(tmp.resolve("infra"))) {
            int runs = 5;
            double[] ready = new double[runs];
            double[] rss = new double[runs];
            for (int i = 0; i < runs; i++) {
                int port;
                try (ServerSocket s = new ServerSocket(0)) {
                    port = s.getLocalPort();
                }
                long t0 = System.nanoTime();
                Process p = new ProcessBuilder("java", "-Dquarkus.http.port=" + port, "-jar", jar.toString(), "run",
                        "--sandbox", "--repo", repo.dir().toString(), "--cluster", "bench", "--env", "prod")
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD)
                        .start();
                try {
                    HttpClient http = HttpClient.newHttpClient();
                    while (code(http, port, "/q/health/ready") != 200) {
                        Thread.sleep(10);
                    }
                    ready[i] = (System.nanoTime() - t0) / 1e6;
                    while (!body(http, port, "/status").contains("\"succeeded\"")) {
                        Thread.sleep(50);
                    }
                    rss[i] = rssMiB(p.pid());
                } finally {
                    p.destroy();
                    p.waitFor(60, TimeUnit.SECONDS);
                }
            }
            Map<String, Object> params = Map.of("runs", runs, "overlay", "prod", "note", "JVM; sandbox API server in process");
            results.add("startup_to_ready_median", BenchResults.percentile(ready, 50), "ms", params);
            results.add("rss_after_first_cycle_median", BenchResults.percentile(rss, 50), "MiB", params);
        }
        results.printAndWrite("start-up and memory of the packaged daemon");
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
