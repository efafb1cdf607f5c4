package io.alfred.gitops.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.alfred.gitops.testing.TestCluster;
import io.alfred.gitops.testing.TestRepo;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged commands as a new user meets them: no cluster or a dead one is one line and exit 2
 * (never a trace, never {@code diff}'s "changes" code); a one-shot command prints its change set
 * once, on stdout, with nothing on stderr unless {@code -v}; {@code --sandbox} leaves no kubeconfig behind.
 */
class FirstHourIT {
    static final Path JAR = Path.of("daemon/target/quarkus-app/quarkus-run.jar");

    @TempDir
    Path tmp;

    TestRepo repo;

    record Run(int exit, String out, String err) {
        List<String> errLines() {
            return err.isEmpty() ? List.of() : List.of(err.split("\n"));
        }
    }

    @BeforeEach
    void repo() {
        repo = TestRepo.withExample(tmp.resolve("infra"));
    }

    @AfterEach
    void closeRepo() {
        repo.close();
    }

    private Run run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString()));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--repo", repo.dir().toString(), "--cluster", "it", "--env", "dev"));
        Path out = tmp.resolve("out-" + System.nanoTime());
        Path err = tmp.resolve("err-" + System.nanoTime());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().remove("KUBECONFIG");
        pb.environment().remove("KUBERNETES_SERVICE_HOST");
        pb.environment().put("HOME", tmp.resolve("home").toString()); // no ~/.kube/config
        pb.environment().put("GITOPS_SOURCE_WORKDIR", tmp.resolve("work").toString());
        pb.environment().putAll(env);
        Process p = pb.start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    private Path kubeconfigFor(String server) throws IOException {
        Path file = tmp.resolve("kubeconfig-" + System.nanoTime());
        Files.writeString(file, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: c
                  cluster: {server: %s}
                contexts:
                - name: c
                  context: {cluster: c, user: u}
                current-context: c
                users:
                - name: u
                  user: {token: abc}
                """.formatted(server));
        return file;
    }

    @Test
    void diffWithoutAnyClusterSaysSoInOneLineAndExitsTwo() throws Exception {
        Run r = run(Map.of(), "diff");
        assertThat(r.exit()).as(r.err()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.errLines())
                .singleElement()
                .asString()
                .isEqualTo("alfred-gitops: cluster: no cluster configured: KUBECONFIG is not set, ~/.kube/config does"
                        + " not exist and this is not a pod; set KUBECONFIG, or use --sandbox");
    }

    @Test
    void aMistypedCommandIsOneLineAndStartsNothing() throws Exception {
        Run r = run(Map.of(), "reconsile");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        // one line: no start-up banner, no "Listening on", no usage dump
        assertThat(r.errLines())
                .singleElement()
                .asString()
                .isEqualTo("alfred-gitops: unknown command 'reconsile' (did you mean reconcile or resume?);"
                        + " alfred-gitops --help lists the commands");
    }

    @Test
    void helpIsTheUsageAndNothingElse() throws Exception {
        Run r = run(Map.of(), "diff", "--help");
        assertThat(r.exit()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).startsWith("Usage: alfred-gitops diff").doesNotContain("Quarkus", "Listening");
    }

    @Test
    void aDeadApiServerIsOneLineNamingItAndTheKubeconfig() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path kubeconfig = kubeconfigFor("https://127.0.0.1:" + port);
        for (String command : List.of("diff", "reconcile")) {
            Run r = command.equals("diff")
                    ? run(Map.of("KUBECONFIG", kubeconfig.toString()), "diff")
                    : run(Map.of("KUBECONFIG", kubeconfig.toString()), "reconcile", "--once");
            assertThat(r.exit()).as(command + ": " + r.err()).isEqualTo(2);
            assertThat(r.errLines())
                    .as(command)
                    .singleElement()
                    .asString()
                    .startsWith("alfred-gitops: cluster: https://127.0.0.1:" + port + "/ (from KUBECONFIG=" + kubeconfig
                            + "): ")
                    .contains("connection refused");
        }
    }

    @Test
    void aCycleThatFailsOrIsBlockedIsOneLineOnStderr() throws Exception {
        Run failed = run(Map.of(), "reconcile", "--once", "--sandbox", "--ref", "no-such-branch");
        assertThat(failed.exit()).as(failed.err()).isEqualTo(2);
        assertThat(failed.errLines())
                .as("the command says it; the cycle's own log line would say it again")
                .singleElement()
                .asString()
                .startsWith("alfred-gitops: fetch: ")
                .contains("ref 'no-such-branch' does not exist on the remote");

        repo.write("empty/kustomization.yaml", "resources: []\n");
        repo.commit("an overlay that renders nothing");
        Run blocked = run(Map.of(), "reconcile", "--once", "--sandbox", "--path", "empty");
        assertThat(blocked.exit()).as(blocked.err()).isEqualTo(3);
        assertThat(blocked.errLines()).singleElement().asString().startsWith("alfred-gitops: blocked: empty-render");
    }

    @Test
    void reconcileOncePrintsTheChangeSetOnceOnStdoutAndNothingOnStderr() throws Exception {
        Run r = run(Map.of(), "reconcile", "--once", "--sandbox");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).as("stderr carries warnings and errors only").isEmpty();
        assertThat(r.out()).startsWith("CustomResourceDefinition/").doesNotContain("\u001b[");
        assertThat(Pattern.compile("^Deployment/alfred-platform/agent-core created$", Pattern.MULTILINE)
                        .matcher(r.out())
                        .results()
                        .count())
                .as("the change set once")
                .isEqualTo(1);
        assertThat(r.out()).containsPattern("reconcile succeeded at [0-9a-f]{40}: 35 created in \\d+ ms\\n$");
    }

    /**
     * On a kubeconfig's cluster (the real control plane when the tests have one), {@code diff} and
     * {@code reconcile --once} run without starting the application: under {@code -v} no Quarkus
     * line, and the same results and exit codes as ever.
     */
    @Test
    void diffAndReconcileOnAKubeconfigRunWithoutTheApplication() throws Exception {
        String namespace = "first-hour-" + Long.toString(System.nanoTime(), 36);
        repo.write("plain/ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: %s}\n".formatted(namespace))
                .write(
                        "plain/cm.yaml",
                        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: %s}\ndata: {level: info}\n"
                                .formatted(namespace))
                .commit("a namespace and a config map");
        try (TestCluster cluster = TestCluster.start()) {
            // the daemon's state (inventory, history) in a namespace of this test's own
            Map<String, String> env = Map.of(
                    "KUBECONFIG",
                    cluster.writeKubeconfig(tmp.resolve("kubeconfig")).toString(),
                    "GITOPS_NAMESPACE",
                    namespace + "-state");

            Run diff = run(env, "diff", "--path", "plain", "-v");
            assertThat(diff.exit()).as("changes: exit 1, as kubectl diff").isEqualTo(1);
            assertThat(diff.out())
                    .contains("ConfigMap/" + namespace + "/settings created")
                    .containsPattern("diff at [0-9a-f]{40}: 2 created\n$");
            assertThat(diff.err())
                    .as("no application started")
                    .doesNotContain("io.quarkus", "Profile prod activated", "Listening on")
                    .containsPattern("# seconds: start [0-9.]+, cluster [0-9.]+, fetch");

            Run applied = run(env, "reconcile", "--once", "--path", "plain", "-v");
            assertThat(applied.exit()).as(applied.err()).isZero();
            assertThat(applied.out()).containsPattern("reconcile succeeded at [0-9a-f]{40}: 2 created in \\d+ ms\n$");
            assertThat(applied.err()).doesNotContain("io.quarkus").contains("cycle 1 at ");
            assertThat(cluster.client()
                            .configMaps()
                            .inNamespace(namespace)
                            .withName("settings")
                            .get()
                            .getData())
                    .containsEntry("level", "info");

            Run again = run(env, "reconcile", "--once", "--path", "plain");
            assertThat(again.exit()).as(again.err()).isZero();
            assertThat(again.err()).isEmpty();
            assertThat(again.out()).containsPattern("reconcile no-op at [0-9a-f]{40}: 2 unchanged in \\d+ ms\n$");
            Run nothing = run(env, "diff", "--path", "plain");
            assertThat(nothing.exit()).as(nothing.err()).isZero();
            cluster.client().namespaces().withName(namespace).delete();
            cluster.client().namespaces().withName(namespace + "-state").delete();
        }
    }

    @Test
    void theSandboxKubeconfigBelongsToItsProcessAndIsGoneAfterIt() throws Exception {
        Run r = run(Map.of(), "reconcile", "--once", "--sandbox", "-v");
        assertThat(r.exit()).as(r.err()).isZero();
        Matcher m = Pattern.compile("kubectl --kubeconfig (\\S+)").matcher(r.err());
        assertThat(m.find()).as(r.err()).isTrue();
        Path kubeconfig = Path.of(m.group(1));
        assertThat(kubeconfig.getFileName().toString())
                .startsWith("alfred-gitops-sandbox-")
                .endsWith(".kubeconfig");
        assertThat(kubeconfig.startsWith(tmp.resolve("work")))
                .as("not in the work directory a later run reuses")
                .isFalse();
        assertThat(kubeconfig).as("removed at exit").doesNotExist();
        assertThat(r.err()).as("-v shows progress").contains("cycle 1 at ");
        assertThat(tmp.resolve("home/.kube")).doesNotExist();
    }

    /**
     * Third-party noise stays below INFO even with -v: no fabric8 warning for the prod overlay's SealedSecret
     * v1alpha1.
     */
    @Test
    void customResourcesAtAlphaVersionsDoNotWarnOnEveryApply() throws Exception {
        Run r = run(Map.of(), "reconcile", "--once", "--sandbox", "-v", "--path", "infra/k8s/overlays/prod");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("SealedSecret/alfred-platform/");
        assertThat(r.err()).doesNotContain("unstable version").doesNotContain("VersionUsageUtils");
    }
}
