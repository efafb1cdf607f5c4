package io.alfred.gitops.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.alfred.gitops.testing.Await;
import io.alfred.gitops.testing.DaemonProcess;
import io.alfred.gitops.testing.TestRepo;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged daemon, with the memory the pod gives it ({@code -XX:MaxRAM=512m}, the image's JVM
 * flags), fed one hostile commit after another: every case of {@link BadInputCorpusTest} and the
 * resource-exhaustion inputs that are too large for an in-process test. After each one the process
 * is alive and ready, the commit is recorded as failed with its limit named, and at the end the next
 * good commit is applied.
 */
class HostileRepoDaemonIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String TOKEN = "hostile-repo-token";

    @TempDir
    Path tmp;

    record Heavy(String name, Consumer<Path> write, String message) {}

    static List<Heavy> heavy() {
        return List.of(
                new Heavy(
                        "billion laughs across 100 files",
                        dir -> {
                            StringBuilder k = new StringBuilder("resources:\n");
                            for (int i = 0; i < 100; i++) {
                                write(
                                        dir.resolve("f" + i + ".yaml"),
                                        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: l" + i
                                                + ", namespace: shop}\nlaughs:\n" + indent(laughs(5)));
                                k.append("- f").append(i).append(".yaml\n");
                            }
                            write(dir.resolve("kustomization.yaml"), k.toString());
                        },
                        "(gitops.render.limits.kustomize-memory)"),
                new Heavy(
                        "a 100 MB file",
                        dir -> {
                            write(dir.resolve("kustomization.yaml"), "resources:\n- big.yaml\n");
                            try (OutputStream out = Files.newOutputStream(dir.resolve("big.yaml"))) {
                                out.write(("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big, "
                                                + "namespace: shop}\ndata:\n  a: ")
                                        .getBytes(StandardCharsets.UTF_8));
                                byte[] line = "x".repeat(1024 * 1024).getBytes(StandardCharsets.UTF_8);
                                for (int i = 0; i < 100; i++) {
                                    out.write(line);
                                }
                                out.write('\n');
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                        },
                        "(gitops.render.limits.file-size)"),
                new Heavy(
                        "100,000 files and a kustomization",
                        dir -> {
                            write(dir.resolve("kustomization.yaml"), "resources: []\n");
                            for (int i = 0; i < 100_000; i++) {
                                write(dir.resolve("d" + i / 1000).resolve("f" + i + ".yaml"), "i: " + i + "\n");
                            }
                        },
                        "(gitops.render.limits.checkout-files)"),
                new Heavy(
                        "nesting 10,000 deep",
                        dir -> write(dir.resolve("m.yaml"), "a: " + "[".repeat(10_000) + "]".repeat(10_000) + "\n"),
                        "(gitops.render.limits.yaml-depth)"),
                new Heavy(
                        "a generator making 10,001 objects",
                        dir -> {
                            StringBuilder k = new StringBuilder("configMapGenerator:\n");
                            for (int i = 0; i <= 10_000; i++) {
                                k.append("- {name: g").append(i).append(", namespace: shop, literals: [k=v]}\n");
                            }
                            write(dir.resolve("kustomization.yaml"), k.toString());
                        },
                        "(gitops.render.limits.kustomize-cpu)")); // Kustomize's generators are quadratic: ~3 min of CPU
    }

    static String laughs(int levels) {
        StringBuilder out = new StringBuilder("a0: &a0 [x,x,x,x,x,x,x,x,x]\n");
        for (int l = 1; l <= levels; l++) {
            out.append('a').append(l).append(": &a").append(l).append(" [");
            for (int i = 0; i < 9; i++) {
                out.append(i == 0 ? "" : ",").append("*a").append(l - 1);
            }
            out.append("]\n");
        }
        return out.toString();
    }

    static String indent(String text) {
        return text.lines().map(l -> "  " + l + "\n").reduce("", String::concat);
    }

    static void write(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void survivesEveryHostileCommitAndAppliesTheNextGoodOne() throws Exception {
        TestRepo repo = TestRepo.create(tmp.resolve("infra"));
        writeGood(repo, "v1");
        String good = repo.commit("good");
        Path token = tmp.resolve("token");
        Files.writeString(token, TOKEN);
        List<String> jvm = List.of(
                "-XX:MaxRAM=512m", "-XX:+UseSerialGC", "-XX:MaxRAMPercentage=50", "-XX:+ExitOnOutOfMemoryError");
        Map<String, String> env = Map.of(
                "GITOPS_SOURCE_WORKDIR",
                tmp.resolve("work").toString(),
                "GITOPS_SOURCE_INTERVAL",
                "1h",
                "GITOPS_API_TOKEN_FILE",
                token.toString(),
                "GITOPS_RENDER_LIMITS_KUSTOMIZE_CPU",
                "15s");
        List<String> results = new ArrayList<>();
        try (DaemonProcess daemon = DaemonProcess.start(
                jvm,
                List.of(
                        "run",
                        "--sandbox",
                        "--repo",
                        repo.dir().toString(),
                        "--path",
                        "app",
                        "--cluster",
                        "hostile",
                        "--env",
                        "dev"),
                env,
                tmp.resolve("daemon.log"))) {
            Await.until(
                    () -> good.equals(
                            daemon.status().path("lastAppliedRevision").asText()),
                    Duration.ofSeconds(90),
                    daemon::log);
            for (BadInputCorpusTest.Case c : BadInputCorpusTest.corpus()) {
                replaceApp(
                        repo,
                        dir -> c.files().forEach((file, content) -> {
                            try {
                                Files.createDirectories(dir.resolve(file).getParent());
                                Files.write(dir.resolve(file), content);
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                        }));
                results.add(survives(daemon, repo, c.name(), c.message()));
            }
            for (Heavy h : heavy()) {
                replaceApp(repo, h.write());
                results.add(survives(daemon, repo, h.name(), h.message()));
            }
            replaceApp(repo, dir -> {});
            writeGood(repo, "v2");
            String next = repo.commit("good again");
            daemon.post("/reconcile", Map.of("Authorization", "Bearer " + TOKEN), "");
            Await.until(
                    () -> next.equals(
                            daemon.status().path("lastAppliedRevision").asText()),
                    Duration.ofSeconds(90),
                    daemon::log);
            assertThat(daemon.code("/q/health/ready")).isEqualTo(200);
            System.out.printf(
                    "HostileRepoDaemonIT: %d hostile commits survived; resident memory at the end %.0f MiB%n",
                    results.size(), daemon.rssMiB());
            results.forEach(r -> System.out.println("  " + r));
        } finally {
            repo.close();
        }
    }

    /** Commits the case, asks for a cycle, and checks the process refused it and is still well. */
    private static String survives(DaemonProcess daemon, TestRepo repo, String name, String message) throws Exception {
        long start = System.nanoTime();
        String sha = repo.commit(name);
        Instant asked = Instant.now();
        daemon.post("/reconcile", Map.of("Authorization", "Bearer " + TOKEN), "");
        Await.until(
                () -> {
                    JsonNode s = daemon.status();
                    return sha.equals(s.path("lastAttemptedRevision").asText())
                            && "failed".equals(s.path("lastResult").asText())
                            && Instant.parse(s.path("lastError").path("at").asText(Instant.EPOCH.toString()))
                                    .isAfter(asked);
                },
                Duration.ofSeconds(120),
                () -> name + "\n" + daemon.status() + "\n" + daemon.log());
        JsonNode error = daemon.status().path("lastError");
        assertThat(error.path("object").asText() + ": " + error.path("message").asText())
                .as(name)
                .contains(message);
        assertThat(daemon.isAlive()).as(name).isTrue();
        assertThat(daemon.code("/q/health/ready")).as("ready after " + name).isEqualTo(200);
        return String.format(
                "%-45s %5d ms  %4.0f MiB  %s: %s",
                name,
                (System.nanoTime() - start) / 1_000_000,
                daemon.rssMiB(),
                error.path("stage").asText(),
                error.path("message").asText().lines().findFirst().orElse(""));
    }

    private static void replaceApp(TestRepo repo, Consumer<Path> write) throws IOException {
        Path app = repo.dir().resolve("app");
        if (Files.exists(app)) {
            try (Stream<Path> walk = Files.walk(app)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        Files.createDirectories(app);
        write.accept(app);
    }

    private static void writeGood(TestRepo repo, String version) {
        repo.write("app/ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n");
        repo.write(
                "app/cm.yaml", String.format(BadInputCorpusTest.CM, "settings").replace("k: v", "k: " + version));
        repo.write("app/web.yaml", String.format(BadInputCorpusTest.DEPLOY, "web", "web"));
    }
}
