package io.alfred.gitops.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The packaged daemon ({@code target/quarkus-app}) as an operating-system process, with its HTTP port. */
public final class DaemonProcess implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    public static final Path JAR = Path.of("daemon/target/quarkus-app/quarkus-run.jar");

    private final Process process;
    private final int port;
    private final Path log;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private DaemonProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * @param args the command line after the jar, e.g. {@code run --repo ...}
     * @param env added to the environment
     * @param log where stdout and stderr go (appended, so that restarts keep one log)
     */
    public static DaemonProcess start(List<String> jvmOptions, List<String> args, Map<String, String> env, Path log)
            throws IOException {
        return start(Path.of(System.getProperty("java.home")), jvmOptions, args, env, log);
    }

    /** As {@link #start(List, List, Map, Path)}, on the JDK or JRE at {@code javaHome}. */
    public static DaemonProcess start(
            Path javaHome, List<String> jvmOptions, List<String> args, Map<String, String> env, Path log)
            throws IOException {
        return start(javaHome, JAR, jvmOptions, args, env, log);
    }

    /**
     * As {@link #start(Path, List, List, Map, Path)}, from another build of the daemon ({@code mvn -Paot package},
     * say).
     */
    public static DaemonProcess start(
            Path javaHome, Path jar, List<String> jvmOptions, List<String> args, Map<String, String> env, Path log)
            throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> cmd = new ArrayList<>(List.of(javaHome.resolve("bin/java").toString()));
        cmd.addAll(jvmOptions);
        cmd.add("-Dquarkus.http.port=" + port);
        cmd.addAll(List.of("-jar", jar.toString()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(env);
        return new DaemonProcess(pb.start(), port, log);
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** HTTP status of a GET, 0 when the daemon does not answer. */
    public int code(String path) {
        try {
            return http.send(request(path), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (Exception e) {
            return 0;
        }
    }

    /** {@code GET /status} as JSON; an empty object when the daemon does not answer with JSON. */
    public JsonNode status() {
        try {
            JsonNode status = JSON.readTree(body("/status"));
            return status == null || status.isMissingNode() ? JSON.createObjectNode() : status;
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    /** Body of a GET, empty when the daemon does not answer. */
    public String body(String path) {
        try {
            return http.send(request(path), HttpResponse.BodyHandlers.ofString())
                    .body();
        } catch (Exception e) {
            return "";
        }
    }

    public HttpResponse<String> post(String path, Map<String, String> headers, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10))
                .build();
    }

    /**
     * The sum of the samples of one Prometheus series on {@code /q/metrics}: every heap pool for
     * <code>jvm_memory_used_bytes{area="heap"</code>, every result for <code>gitops_reconcile_total{</code>.
     *
     * @param series the metric name and the start of its labels, as the exposition writes them
     */
    public double metricSum(String series) {
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + "[^}\\n]*}\\s+(\\S+)", Pattern.MULTILINE)
                .matcher(body("/q/metrics"));
        double sum = 0;
        while (m.find()) {
            sum += Double.parseDouble(m.group(1));
        }
        return sum;
    }

    /** Resident memory from /proc, in MiB. */
    public double rssMiB() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D+", "")) / 1024.0;
            }
        }
        return -1;
    }

    /** CPU time the process has used so far (all its threads, JIT and GC included), in milliseconds. */
    public double cpuMs() {
        return process.toHandle()
                .info()
                .totalCpuDuration()
                .map(Duration::toMillis)
                .orElse(-1L);
    }

    /** Waits for the process to end by itself; its exit code. */
    public int exitCode(Duration within) throws InterruptedException {
        if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("still running after " + within + ":\n" + log());
        }
        return process.exitValue();
    }

    /** SIGTERM (what Ctrl-C's SIGINT does to the JVM too), then its exit code. */
    public int terminate() throws InterruptedException {
        process.destroy();
        return exitCode(Duration.ofSeconds(60));
    }

    /** {@code kill -9}: no shutdown hook runs. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "";
        }
    }

    /** SIGTERM, then waits for the graceful stop. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
