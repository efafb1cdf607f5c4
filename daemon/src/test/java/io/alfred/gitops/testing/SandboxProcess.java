package io.alfred.gitops.testing;

import io.alfred.gitops.sandbox.SandboxApiServer;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The sandbox API server in a JVM of its own, so that a measurement of the daemon's CPU or memory
 * does not include the server's. The parent talks to it over the child's stdin/stdout, one line
 * per command: {@code counts}, {@code reset}, {@code quit}.
 */
public final class SandboxProcess implements AutoCloseable {
    private final Process process;
    private final BufferedReader out;
    private final PrintWriter in;
    private final Path kubeconfig;

    private SandboxProcess(Process process, Path kubeconfig) {
        this.process = process;
        this.kubeconfig = kubeconfig;
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.in = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
    }

    public static SandboxProcess start(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path kubeconfig = dir.resolve("kubeconfig");
        Process p = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-XX:+UseSerialGC",
                        "-cp",
                        System.getProperty("java.class.path"),
                        SandboxProcess.class.getName(),
                        kubeconfig.toString())
                .redirectError(dir.resolve("sandbox.log").toFile())
                .start();
        SandboxProcess sandbox = new SandboxProcess(p, kubeconfig);
        String line = sandbox.out.readLine();
        if (!"ready".equals(line)) {
            p.destroyForcibly();
            throw new IOException(
                    "the sandbox process did not start (" + line + "); see " + dir.resolve("sandbox.log"));
        }
        return sandbox;
    }

    public Path kubeconfig() {
        return kubeconfig;
    }

    public KubernetesClient client() throws IOException {
        return new KubernetesClientBuilder()
                .withConfig(Config.fromKubeconfig(Files.readString(kubeconfig)))
                .build();
    }

    /** Requests served since the last reset, by verb (as {@link SandboxApiServer#requestCounts()}). */
    public synchronized Map<String, Long> requestCounts() throws IOException {
        in.println("counts");
        Map<String, Long> counts = new TreeMap<>();
        String line = out.readLine();
        if (line != null && !line.isBlank()) {
            for (String pair : line.split(";")) {
                String[] kv = pair.split("=", 2);
                counts.put(kv[0], Long.parseLong(kv[1]));
            }
        }
        return counts;
    }

    public synchronized void resetRequestCounts() throws IOException {
        in.println("reset");
        out.readLine();
    }

    @Override
    public void close() throws InterruptedException {
        in.println("quit");
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    /** The child: serve until told to quit or until the parent goes away (stdin closes). */
    public static void main(String[] args) throws IOException {
        PrintStream protocol = System.out;
        System.setOut(System.err); // whatever a library prints must not mix with the answers
        try (SandboxApiServer server = SandboxApiServer.start()) {
            server.writeKubeconfig(Path.of(args[0]));
            protocol.println("ready");
            BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String c = commands.readLine(); c != null && !c.equals("quit"); c = commands.readLine()) {
                if (c.equals("counts")) {
                    StringBuilder sb = new StringBuilder();
                    server.requestCounts()
                            .forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ";")
                                    .append(k)
                                    .append('=')
                                    .append(v));
                    protocol.println(sb);
                } else if (c.equals("reset")) {
                    server.resetRequestCounts();
                    protocol.println("ok");
                }
            }
        }
        System.exit(0);
    }
}
