package io.alfred.gitops.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.alfred.gitops.Stage;
import io.alfred.gitops.StageException;
import io.alfred.gitops.config.ApplySettings;
import io.alfred.gitops.sandbox.SandboxApiServer;
import io.alfred.gitops.testing.TestRepo;
import io.alfred.gitops.testing.TestSettings;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * A corpus of broken overlays and manifests: each fails at the right stage with a precise message,
 * and the cluster (which already runs a good revision) receives no write.
 */
class BadInputCorpusTest {
    @TempDir
    static Path tmp;

    static TestRepo repo;
    static SandboxApiServer sandbox;
    static KubernetesClient client;
    static String revision;

    static final String CM = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: %s\n  namespace: shop\ndata:\n  k: v\n";
    static final String DEPLOY = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web, namespace: shop}
            spec:
              replicas: 1
              selector: {matchLabels: {app: %s}}
              template:
                metadata: {labels: {app: %s}}
                spec: {containers: [{name: web, image: "web:1"}]}
            """;

    record Case(String name, String file, String content, Stage stage, String message) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Case> corpus() {
        String deep = "a: " + "[".repeat(120) + "]".repeat(120) + "\n";
        StringBuilder bomb = new StringBuilder("a: &a [x,x,x,x,x,x,x,x,x]\n");
        for (char c = 'b'; c <= 'j'; c++) {
            bomb.append(c).append(": &").append(c).append(" [");
            for (int i = 0; i < 9; i++) {
                bomb.append(i == 0 ? "" : ",").append('*').append((char) (c - 1));
            }
            bomb.append("]\n");
        }
        return List.of(
                new Case("yaml syntax", "m.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n data: [\n",
                        Stage.RENDER, "invalid YAML"),
                new Case("duplicate keys", "m.yaml", String.format(CM, "dup") + "data:\n  k: w\n", Stage.RENDER,
                        "duplicate key 'data'"),
                new Case("alias bomb", "m.yaml", bomb.toString(), Stage.RENDER, "invalid YAML"),
                new Case("deeply nested document", "m.yaml", deep, Stage.RENDER, "Nesting Depth exceeded max 100"),
                new Case("missing apiVersion", "m.yaml", "kind: ConfigMap\nmetadata: {name: x, namespace: shop}\n",
                        Stage.RENDER, "apiVersion is missing"),
                new Case("missing kind", "m.yaml", "apiVersion: v1\nmetadata: {name: x, namespace: shop}\n", Stage.RENDER,
                        "kind is missing"),
                new Case("missing name", "m.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {namespace: shop}\n",
                        Stage.RENDER, "metadata.name is missing"),
                new Case("metadata not a mapping", "m.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: [x]\n",
                        Stage.RENDER, "metadata is missing or not a mapping"),
                new Case("name of the wrong type", "m.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: 7}\n",
                        Stage.RENDER, "metadata.name is missing or not a string"),
                new Case("namespace of the wrong type", "m.yaml",
                        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: [a]}\n", Stage.RENDER,
                        "metadata.namespace is not a string"),
                new Case("document is a list", "m.yaml", "- a\n- b\n", Stage.RENDER, "must be a mapping"),
                new Case("document is a scalar", "m.yaml", "just text\n", Stage.RENDER, "must be a mapping"),
                new Case("duplicate objects", "m.yaml", String.format(CM, "same") + "---\n" + String.format(CM, "same"),
                        Stage.RENDER, "ConfigMap shop/same is defined twice"),
                new Case("cluster-scoped kind with a namespace", "m.yaml",
                        "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: r, namespace: shop}\n",
                        Stage.RENDER, "ClusterRole is cluster-scoped"),
                new Case("kustomization names a missing file", "kustomization.yaml", "resources:\n- nowhere.yaml\n",
                        Stage.RENDER, "kustomize failed"),
                new Case("kustomization is not YAML", "kustomization.yaml", "resources: [\n", Stage.RENDER,
                        "kustomization.yaml:2: invalid YAML"),
                new Case("patch without a target", "kustomization.yaml",
                        "resources: []\npatches:\n- patch: |-\n    apiVersion: apps/v1\n    kind: Deployment\n    metadata: {name: ghost}\n",
                        Stage.RENDER, "kustomize failed"),
                new Case("remote base", "kustomization.yaml", "resources:\n- https://github.com/example/infra//base?ref=main\n",
                        Stage.RENDER, "remote resource"),
                new Case("helm chart", "kustomization.yaml", "helmCharts:\n- name: nginx\n  repo: https://charts.example.com\n",
                        Stage.RENDER, "Helm charts are not rendered"),
                new Case("undefined variable", "m.yaml", String.format(CM, "v").replace("k: v", "k: ${undefined_var}"),
                        Stage.RENDER, "variable ${undefined_var} is not defined"),
                new Case("unterminated variable", "m.yaml", String.format(CM, "v").replace("k: v", "k: \"${oops\""),
                        Stage.RENDER, "unterminated '${'"),
                new Case("bad variable name", "m.yaml", String.format(CM, "v").replace("k: v", "k: \"${1x}\""),
                        Stage.RENDER, "not a variable reference"),
                new Case("invalid label value", "m.yaml", String.format(CM, "l").replace("namespace: shop",
                        "namespace: shop\n  labels: {team: \"a b\"}"), Stage.PLAN, "metadata.labels: Invalid value: \"a b\""),
                new Case("invalid annotation key", "m.yaml", String.format(CM, "l").replace("namespace: shop",
                        "namespace: shop\n  annotations: {\"bad key!\": x}"), Stage.PLAN, "metadata.annotations"),
                new Case("invalid name", "m.yaml", String.format(CM, "Not_Valid"), Stage.PLAN, "RFC 1123 subdomain"),
                new Case("service name too long", "m.yaml", "apiVersion: v1\nkind: Service\nmetadata: {name: "
                        + "s".repeat(70) + ", namespace: shop}\nspec: {ports: [{port: 80}]}\n", Stage.PLAN, "RFC 1123 label"),
                new Case("unknown kind", "m.yaml", "apiVersion: example.io/v1\nkind: Widget\nmetadata: {name: w, namespace: shop}\n",
                        Stage.PLAN, "the cluster does not serve example.io/v1 Widget"),
                new Case("namespaced kind without namespace", "m.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n",
                        Stage.PLAN, "ConfigMap is namespaced and has no metadata.namespace"),
                new Case("namespace that does not exist", "m.yaml", String.format(CM, "x").replace("namespace: shop",
                        "namespace: nowhere"), Stage.PLAN, "namespaces \"nowhere\" not found"),
                new Case("immutable selector changed", "m.yaml", String.format(DEPLOY, "other", "other"), Stage.PLAN,
                        "spec.selector"),
                new Case("selector does not match the template", "m.yaml", String.format(DEPLOY, "web", "else"),
                        Stage.PLAN, "`selector` does not match template `labels`"),
                new Case("deployment without selector", "m.yaml", String.format(DEPLOY, "web", "web")
                        .replace("  selector: {matchLabels: {app: web}}\n", ""), Stage.PLAN, "spec.selector: Required value"));
    }

    @BeforeAll
    static void goodRevisionRuns() throws Exception {
        repo = TestRepo.create(tmp.resolve("infra"));
        repo.write("good/ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n");
        repo.write("good/cm.yaml", String.format(CM, "settings"));
        repo.write("good/web.yaml", String.format(DEPLOY, "web", "web"));
        for (Case c : corpus()) {
            repo.write("cases/" + c.name().replace(' ', '-') + "/" + c.file(), c.content());
        }
        repo.writeBytes("cases/invalid-utf-8/m.yaml", new byte[] {'a', ':', ' ', (byte) 0xC3, (byte) 0x28, '\n'});
        revision = repo.commit("good app and broken cases");
        sandbox = SandboxApiServer.start();
        client = sandbox.client();
        try (Reconciler r = new Reconciler(client, ApplySettings.defaults()); Revisions revisions = revisions("good")) {
            assertThat(r.reconcile(revisions.latest()).outcome()).isEqualTo(CycleResult.Outcome.SUCCEEDED);
        }
    }

    @AfterAll
    static void stop() {
        client.close();
        sandbox.close();
        repo.close();
    }

    static Revisions revisions(String path) {
        return new Revisions(TestSettings.path(repo.url(), path, "dev", tmp.resolve("work")));
    }

    /** Runs a cycle on the case's path the way the daemon does; returns the failure. */
    static StageException fail(String path) {
        sandbox.resetRequestCounts();
        try (Revisions revisions = revisions(path); Reconciler reconciler = new Reconciler(client, ApplySettings.defaults())) {
            CycleResult r = reconciler.reconcile(revisions.latest());
            assertThat(r.outcome()).as("%s: %s", path, r.refusal()).isEqualTo(CycleResult.Outcome.FAILED);
            return r.error();
        } catch (StageException e) {
            return e;
        } finally {
            assertThat(sandbox.requestCounts()).as("no write reached the cluster").doesNotContainKeys("POST", "PUT",
                    "PATCH", "DELETE");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void failsAtTheRightStageWithAPreciseMessageAndTouchesNothing(Case c) {
        StageException e = fail("cases/" + c.name().replace(' ', '-'));
        assertThat(e.stage()).as(e.getMessage()).isEqualTo(c.stage());
        assertThat(e.getMessage()).contains(c.message());
        assertThat(client.configMaps().inNamespace("shop").withName("settings").get()).isNotNull();
    }

    @org.junit.jupiter.api.Test
    void invalidUtf8() {
        StageException e = fail("cases/invalid-utf-8");
        assertThat(e.stage()).isEqualTo(Stage.RENDER);
        assertThat(e.getMessage()).contains("cases/invalid-utf-8/m.yaml").contains("not valid UTF-8");
    }

    @org.junit.jupiter.api.Test
    void aMissingPath() {
        StageException e = fail("cases/does-not-exist");
        assertThat(e.getMessage()).contains("no such directory in revision " + revision);
    }
}
