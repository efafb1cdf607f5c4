package io.alfred.gitops.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.alfred.gitops.Stage;
import io.alfred.gitops.StageException;
import io.alfred.gitops.cluster.WriteGuard;
import io.alfred.gitops.config.ApplySettings;
import io.alfred.gitops.config.SafetySettings;
import io.alfred.gitops.sandbox.SandboxApiServer;
import io.alfred.gitops.testing.TestCluster;
import io.alfred.gitops.testing.TestRepo;
import io.alfred.gitops.testing.TestSettings;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

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

    static final String CM =
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: %s\n  namespace: shop\ndata:\n  k: v\n";
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

    /** A broken input: the files of its path, the stage that must refuse it and words of the refusal. */
    record Case(String name, Map<String, byte[]> files, Stage stage, String message) {
        Case(String name, String file, String content, Stage stage, String message) {
            this(name, Map.of(file, content.getBytes(StandardCharsets.UTF_8)), stage, message);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** A case made of a kustomization listing {@code m.yaml} and that file. */
    static Case kustomized(String name, String manifest, Stage stage, String message) {
        return new Case(
                name,
                Map.of("kustomization.yaml", bytes("resources:\n- m.yaml\n"), "m.yaml", bytes(manifest)),
                stage,
                message);
    }

    static Case files(String name, Stage stage, String message, String... pathsAndContents) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (int i = 0; i < pathsAndContents.length; i += 2) {
            files.put(pathsAndContents[i], bytes(pathsAndContents[i + 1]));
        }
        return new Case(name, files, stage, message);
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] utf16(String text) {
        byte[] body = text.getBytes(StandardCharsets.UTF_16LE);
        byte[] out = new byte[body.length + 2];
        out[0] = (byte) 0xFF;
        out[1] = (byte) 0xFE;
        System.arraycopy(body, 0, out, 2, body.length);
        return out;
    }

    static List<Case> corpus() {
        String deep = "a: " + "[".repeat(120) + "]".repeat(120) + "\n";
        List<Case> cases = new ArrayList<>(List.of(
                new Case(
                        "yaml syntax",
                        "m.yaml",
                        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n data: [\n",
                        Stage.RENDER,
                        "invalid YAML"),
                new Case(
                        "duplicate keys",
                        "m.yaml",
                        String.format(CM, "dup") + "data:\n  k: w\n",
                        Stage.RENDER,
                        "duplicate key 'data'"),
                new Case("alias bomb", "m.yaml", aliasBomb(), Stage.RENDER, "invalid YAML"),
                new Case("deeply nested document", "m.yaml", deep, Stage.RENDER, "Nesting Depth exceeded max 100"),
                new Case(
                        "missing apiVersion",
                        "m.yaml",
                        "kind: ConfigMap\nmetadata: {name: x, namespace: shop}\n",
                        Stage.RENDER,
                        "apiVersion is missing"),
                new Case(
                        "missing kind",
                        "m.yaml",
                        "apiVersion: v1\nmetadata: {name: x, namespace: shop}\n",
                        Stage.RENDER,
                        "kind is missing"),
                new Case(
                        "missing name",
                        "m.yaml",
                        "apiVersion: v1\nkind: ConfigMap\nmetadata: {namespace: shop}\n",
                        Stage.RENDER,
                        "metadata.name is missing"),
                new Case(
                        "metadata not a mapping",
                        "m.yaml",
                        "apiVersion: v1\nkind: ConfigMap\nmetadata: [x]\n",
                        Stage.RENDER,
                        "metadata is missing or not a mapping"),
                new Case(
                        "name of the wrong type",
                        "m.yaml",
                        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: 7}\n",
                        Stage.RENDER,
                        "metadata.name is missing or not a string"),
                new Case(
                        "namespace of the wrong type",
                        "m.yaml",
                        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: [a]}\n",
                        Stage.RENDER,
                        "metadata.namespace is not a string"),
                new Case("document is a list", "m.yaml", "- a\n- b\n", Stage.RENDER, "must be a mapping"),
                new Case("document is a scalar", "m.yaml", "just text\n", Stage.RENDER, "must be a mapping"),
                new Case(
                        "duplicate objects",
                        "m.yaml",
                        String.format(CM, "same") + "---\n" + String.format(CM, "same"),
                        Stage.RENDER,
                        "ConfigMap shop/same is defined twice"),
                new Case(
                        "cluster-scoped kind with a namespace",
                        "m.yaml",
                        "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: "
                                + "r, namespace: shop}\n",
                        Stage.RENDER,
                        "ClusterRole is cluster-scoped"),
                new Case(
                        "kustomization names a missing file",
                        "kustomization.yaml",
                        "resources:\n- nowhere.yaml\n",
                        Stage.RENDER,
                        "kustomize failed"),
                new Case(
                        "kustomization is not YAML",
                        "kustomization.yaml",
                        "resources: [\n",
                        Stage.RENDER,
                        "kustomization.yaml:2: invalid YAML"),
                new Case(
                        "patch without a target",
                        "kustomization.yaml",
                        "resources: []\npatches:\n- patch: |-\n    apiVersion: apps/v1\n    kind: "
                                + "Deployment\n    metadata: {name: ghost}\n",
                        Stage.RENDER,
                        "kustomize failed"),
                new Case(
                        "remote base",
                        "kustomization.yaml",
                        "resources:\n- https://github.com/example/infra//base?ref=main\n",
                        Stage.RENDER,
                        "remote resource"),
                new Case(
                        "helm chart",
                        "kustomization.yaml",
                        "helmCharts:\n- name: nginx\n  repo: https://charts.example.com\n",
                        Stage.RENDER,
                        "Helm charts are not rendered"),
                new Case(
                        "undefined variable",
                        "m.yaml",
                        String.format(CM, "v").replace("k: v", "k: ${undefined_var}"),
                        Stage.RENDER,
                        "variable ${undefined_var} is not defined"),
                new Case(
                        "unterminated variable",
                        "m.yaml",
                        String.format(CM, "v").replace("k: v", "k: \"${oops\""),
                        Stage.RENDER,
                        "unterminated '${'"),
                new Case(
                        "bad variable name",
                        "m.yaml",
                        String.format(CM, "v").replace("k: v", "k: \"${1x}\""),
                        Stage.RENDER,
                        "not a variable reference"),
                new Case(
                        "invalid label value",
                        "m.yaml",
                        String.format(CM, "l").replace("namespace: shop", "namespace: shop\n  labels: {team: \"a b\"}"),
                        Stage.PLAN,
                        "metadata.labels: Invalid value: \"a b\""),
                new Case(
                        "invalid annotation key",
                        "m.yaml",
                        String.format(CM, "l")
                                .replace("namespace: shop", "namespace: shop\n  annotations: {\"bad key!\": x}"),
                        Stage.PLAN,
                        "metadata.annotations"),
                new Case("invalid name", "m.yaml", String.format(CM, "Not_Valid"), Stage.PLAN, "RFC 1123 subdomain"),
                new Case(
                        "service name too long",
                        "m.yaml",
                        "apiVersion: v1\nkind: Service\nmetadata: {name: " + "s".repeat(70)
                                + ", namespace: shop}\nspec: {ports: [{port: 80}]}\n",
                        Stage.PLAN,
                        "metadata.name: Invalid value: \"" + "s".repeat(70) + "\": must be no more than 63 characters"),
                new Case(
                        "unknown kind",
                        "m.yaml",
                        "apiVersion: example.io/v1\nkind: Widget\nmetadata: {name: w, namespace: shop}\n",
                        Stage.PLAN,
                        "the cluster does not serve example.io/v1 Widget"),
                new Case(
                        "namespaced kind without namespace",
                        "m.yaml",
                        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n",
                        Stage.PLAN,
                        "ConfigMap is namespaced and has no metadata.namespace"),
                new Case(
                        "namespace that does not exist",
                        "m.yaml",
                        String.format(CM, "x").replace("namespace: shop", "namespace: nowhere"),
                        Stage.PLAN,
                        "namespaces \"nowhere\" not found"),
                new Case(
                        "immutable selector changed",
                        "m.yaml",
                        String.format(DEPLOY, "other", "other"),
                        Stage.PLAN,
                        "spec.selector"),
                new Case(
                        "selector does not match the template",
                        "m.yaml",
                        String.format(DEPLOY, "web", "else"),
                        Stage.PLAN,
                        "`selector` does not match template `labels`"),
                new Case(
                        "deployment without selector",
                        "m.yaml",
                        String.format(DEPLOY, "web", "web").replace("  selector: {matchLabels: {app: web}}\n", ""),
                        Stage.PLAN,
                        "spec.selector: Required value")));
        cases.addAll(resourceExhaustion());
        cases.addAll(encodings());
        cases.addAll(namesAndValues());
        cases.addAll(kustomizations());
        return cases;
    }

    static List<Case> resourceExhaustion() {
        StringBuilder wide =
                new StringBuilder("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: wide, namespace: shop}\ndata:\n");
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 10_001; i++) {
            many.append("---\n");
        }
        many.append(String.format(CM, "last"));
        // wide, not deep: 49 aliases (under the limit of 50) standing for 10,000 x 7^7 nodes
        StringBuilder wideBomb = new StringBuilder("a0: &a0 [" + "x,".repeat(9_999) + "x]\n");
        for (int level = 1; level <= 7; level++) {
            wideBomb.append('a')
                    .append(level)
                    .append(": &a")
                    .append(level)
                    .append(" [")
                    .append(("*a" + (level - 1) + ",").repeat(6))
                    .append("*a")
                    .append(level - 1)
                    .append("]\n");
        }
        Map<String, byte[]> acrossFiles = new LinkedHashMap<>();
        StringBuilder resources = new StringBuilder("resources:\n");
        // each file within every YAML limit (45 aliases, 9^6 nodes); together more than Kustomize may hold
        for (int i = 0; i < 30; i++) {
            acrossFiles.put(
                    "f" + i + ".yaml",
                    bytes(String.format(CM, "laugh" + i)
                            .replace(
                                    "\ndata:",
                                    "\nlaughs:\n  "
                                            + HostileRepoDaemonIT.laughs(5)
                                                    .replace("\n", "\n  ")
                                                    .trim() + "\ndata:")));
            resources.append("- f").append(i).append(".yaml\n");
        }
        acrossFiles.put("kustomization.yaml", bytes(resources.toString()));
        return List.of(
                new Case(
                        "alias bomb under kustomize",
                        Map.of("kustomization.yaml", bytes("resources:\n- m.yaml\n"), "m.yaml", bytes(aliasBomb())),
                        Stage.RENDER,
                        "(gitops.render.limits.yaml-aliases)"),
                new Case(
                        "alias bomb in the kustomization",
                        "kustomization.yaml",
                        aliasBomb(),
                        Stage.RENDER,
                        "kustomization.yaml:"),
                new Case(
                        "laughs spread over files",
                        acrossFiles,
                        Stage.RENDER,
                        "(gitops.render.limits.kustomize-memory)"),
                new Case(
                        "wide alias bomb",
                        "m.yaml",
                        wideBomb.toString(),
                        Stage.RENDER,
                        "(gitops.render.limits.yaml-nodes)"),
                new Case(
                        "deep nesting under kustomize",
                        Map.of(
                                "kustomization.yaml",
                                bytes("resources:\n- m.yaml\n"),
                                "m.yaml",
                                bytes("a: " + "{b: ".repeat(150) + "c" + "}".repeat(150) + "\n")),
                        Stage.RENDER,
                        "(gitops.render.limits.yaml-depth)"),
                new Case(
                        "ten thousand and one documents",
                        "m.yaml",
                        many.toString(),
                        Stage.RENDER,
                        "(gitops.render.limits.documents)"),
                new Case(
                        "a file over the size limit",
                        "m.yaml",
                        wide + "  big: " + "x".repeat(5 * 1024 * 1024) + "\n",
                        Stage.RENDER,
                        "(gitops.render.limits.file-size)"),
                new Case(
                        "recursive alias",
                        "m.yaml",
                        "a: &a [*a]\n",
                        Stage.RENDER,
                        "(gitops.render.limits.yaml-depth)"));
    }

    static String aliasBomb() {
        StringBuilder bomb = new StringBuilder("a: &a [x,x,x,x,x,x,x,x,x]\n");
        for (char c = 'b'; c <= 'j'; c++) {
            bomb.append(c).append(": &").append(c).append(" [");
            for (int i = 0; i < 9; i++) {
                bomb.append(i == 0 ? "" : ",").append('*').append((char) (c - 1));
            }
            bomb.append("]\n");
        }
        return bomb.toString();
    }

    static List<Case> encodings() {
        return List.of(
                new Case(
                        "utf-16 without a byte order mark",
                        Map.of("m.yaml", String.format(CM, "wide").getBytes(StandardCharsets.UTF_16LE)),
                        Stage.RENDER,
                        "m.yaml: invalid YAML: special characters are not allowed"),
                new Case(
                        "utf-16 alias bomb under kustomize",
                        Map.of("kustomization.yaml", bytes("resources:\n- m.yaml\n"), "m.yaml", utf16(aliasBomb())),
                        Stage.RENDER,
                        "(gitops.render.limits.yaml-aliases)"),
                new Case(
                        "latin-1 text",
                        Map.of(
                                "m.yaml",
                                String.format(CM, "latin")
                                        .replace("k: v", "k: caf\u00e9")
                                        .getBytes(StandardCharsets.ISO_8859_1)),
                        Stage.RENDER,
                        "not valid UTF-8"),
                new Case(
                        "a NUL byte",
                        "m.yaml",
                        String.format(CM, "nul").replace("k: v", "k: \"a\u0000b\""),
                        Stage.RENDER,
                        "invalid YAML"),
                kustomized(
                        "a NUL byte under kustomize",
                        String.format(CM, "nul").replace("k: v", "k: a\u0000b"),
                        Stage.RENDER,
                        "m.yaml"),
                new Case(
                        "a tab for indentation",
                        "m.yaml",
                        String.format(CM, "tab").replace("  k: v", "\tk: v"),
                        Stage.RENDER,
                        "invalid YAML"),
                new Case(
                        "control characters",
                        "m.yaml",
                        String.format(CM, "ctl").replace("k: v", "k: \"\u0007\""),
                        Stage.RENDER,
                        "invalid YAML"));
    }

    static List<Case> namesAndValues() {
        String cm = String.format(CM, "x");
        return List.of(
                new Case(
                        "name over 253 characters",
                        "m.yaml",
                        String.format(CM, "n".repeat(254)),
                        Stage.PLAN,
                        "must be no more than 253 characters"),
                new Case(
                        "label value over 63 characters",
                        "m.yaml",
                        cm.replace("namespace: shop", "namespace: shop\n  labels: {team: " + "v".repeat(64) + "}"),
                        Stage.PLAN,
                        "must be no more than 63"),
                new Case(
                        "label key with two slashes",
                        "m.yaml",
                        cm.replace("namespace: shop", "namespace: shop\n  labels: {\"a/b/c\": x}"),
                        Stage.PLAN,
                        "metadata.labels"),
                new Case(
                        "label key prefix not a DNS name",
                        "m.yaml",
                        cm.replace("namespace: shop", "namespace: shop\n  labels: {\"Bad_Prefix/x\": y}"),
                        Stage.PLAN,
                        "metadata.labels"),
                new Case(
                        "label key name over 63",
                        "m.yaml",
                        cm.replace("namespace: shop", "namespace: shop\n  labels: {" + "k".repeat(64) + ": y}"),
                        Stage.PLAN,
                        "metadata.labels"),
                new Case(
                        "cyrillic lookalike in a name",
                        "m.yaml",
                        String.format(CM, "w\u0435b"),
                        Stage.PLAN,
                        "RFC 1123 subdomain"),
                new Case(
                        "fullwidth digit in a name",
                        "m.yaml",
                        String.format(CM, "web\uFF11"),
                        Stage.PLAN,
                        "RFC 1123 subdomain"),
                new Case("uppercase name", "m.yaml", String.format(CM, "Web"), Stage.PLAN, "RFC 1123 subdomain"),
                new Case(
                        "name ending in a dash", "m.yaml", String.format(CM, "web-"), Stage.PLAN, "RFC 1123 subdomain"),
                new Case(
                        "namespace name invalid",
                        "m.yaml",
                        "apiVersion: v1\nkind: Namespace\nmetadata: {name: Shop_2}\n",
                        Stage.PLAN,
                        "RFC 1123 label"),
                new Case(
                        "annotations over 256 KiB",
                        "m.yaml",
                        cm.replace(
                                "namespace: shop",
                                "namespace: shop\n  annotations: {big: " + "a".repeat(262_145) + "}"),
                        Stage.PLAN,
                        "metadata.annotations: Too long: must have at most 262144 bytes"),
                new Case(
                        "label value as a number",
                        "m.yaml",
                        cm.replace("namespace: shop", "namespace: shop\n  labels: {tier: 1}"),
                        Stage.RENDER,
                        "metadata.labels.tier is 1, not a string: quote it (\"1\")"),
                new Case(
                        "annotation value as a boolean",
                        "m.yaml",
                        cm.replace("namespace: shop", "namespace: shop\n  annotations: {enabled: yes}"),
                        Stage.RENDER,
                        "metadata.annotations.enabled is true, not a string"),
                new Case(
                        "configmap data value as a number",
                        "m.yaml",
                        cm.replace("k: v", "k: 8080"),
                        Stage.PLAN,
                        "cannot unmarshal number into Go struct field ConfigMap.data of type string"),
                new Case(
                        "replicas as a string",
                        "m.yaml",
                        String.format(DEPLOY, "web", "web").replace("replicas: 1", "replicas: \"3\""),
                        Stage.PLAN,
                        "replicas"),
                new Case(
                        "negative replicas",
                        "m.yaml",
                        String.format(DEPLOY, "web", "web").replace("replicas: 1", "replicas: -1"),
                        Stage.PLAN,
                        "spec.replicas"),
                new Case(
                        "configmap data key with a space",
                        "m.yaml",
                        cm.replace("k: v", "\"a b\": v"),
                        Stage.PLAN,
                        "data[a b]"),
                new Case(
                        "secret data not base64",
                        "m.yaml",
                        "apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: shop}\n"
                                + "data: {token: \"not base64!\"}\n",
                        Stage.PLAN,
                        "base64"),
                new Case(
                        "service port out of range",
                        "m.yaml",
                        "apiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: shop}\n"
                                + "spec: {ports: [{port: 70000}]}\n",
                        Stage.PLAN,
                        "spec.ports[0].port: Invalid value: 70000"));
    }

    static List<Case> kustomizations() {
        return List.of(
                files(
                        "kustomization cycle",
                        Stage.RENDER,
                        "cycle",
                        "kustomization.yaml",
                        "resources:\n- a\n",
                        "a/kustomization.yaml",
                        "resources:\n- ../b\n",
                        "b/kustomization.yaml",
                        "resources:\n- ../a\n"),
                files(
                        "kustomization includes itself",
                        Stage.RENDER,
                        "kustomize failed",
                        "kustomization.yaml",
                        "resources:\n- .\n"),
                files(
                        "resource outside the repository",
                        Stage.RENDER,
                        "kustomize failed",
                        "kustomization.yaml",
                        "resources:\n- ../../../../../etc/passwd\n"),
                files(
                        "misspelt kustomization field",
                        Stage.RENDER,
                        "resorces",
                        "kustomization.yaml",
                        "resorces:\n- m.yaml\n",
                        "m.yaml",
                        String.format(CM, "x")),
                files(
                        "patch file missing",
                        Stage.RENDER,
                        "kustomize failed",
                        "kustomization.yaml",
                        "resources:\n- m.yaml\npatches:\n- path: nowhere.yaml\n",
                        "m.yaml",
                        String.format(CM, "x")),
                files(
                        "name prefix makes a name too long",
                        Stage.PLAN,
                        "must be no more than 253 characters",
                        "kustomization.yaml",
                        "namePrefix: " + "p".repeat(260) + "-\nresources:\n- m.yaml\n",
                        "m.yaml",
                        String.format(CM, "x")),
                files(
                        "two kustomization files",
                        Stage.RENDER,
                        "kustomize failed",
                        "kustomization.yaml",
                        "resources: []\n",
                        "kustomization.yml",
                        "resources: []\n"),
                files(
                        "generator with a missing file",
                        Stage.RENDER,
                        "kustomize failed",
                        "kustomization.yaml",
                        "configMapGenerator:\n- name: g\n  namespace: shop\n  files: [nowhere.properties]\n"));
    }

    /** Input that looks odd but that kubectl and the API server take: it must be applied exactly. */
    record Accepted(String name, Map<String, byte[]> files, Map<String, String> labels, Map<String, String> data) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final String PROBE = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: probe\n  namespace: shop\n"
            + "  labels: {tier: \"1\", mode: \"0755\", flag: \"true\", word: \"yes\", none: \"null\"}\n"
            + "data:\n  port: \"8080\"\n  exp: \"1e3\"\n  octal: \"0o17\"\n  when: 2024-01-01\n  "
            + "greeting: \"gr\u00fc\u00df \u4f60\u597d \uD83D\uDE00\"\n";
    static final Map<String, String> PROBE_LABELS =
            Map.of("tier", "1", "mode", "0755", "flag", "true", "word", "yes", "none", "null");
    static final Map<String, String> PROBE_DATA = Map.of(
            "port",
            "8080",
            "exp",
            "1e3",
            "octal",
            "0o17",
            "when",
            "2024-01-01",
            "greeting",
            "gr\u00fc\u00df \u4f60\u597d \uD83D\uDE00");

    /** Kustomize (kyaml) reads an unquoted date as a timestamp: {@code kubectl kustomize} prints the same. */
    static final Map<String, String> PROBE_DATA_KUSTOMIZED = withEntry(PROBE_DATA, "when", "2024-01-01T00:00:00Z");

    static Map<String, String> withEntry(Map<String, String> map, String key, String value) {
        Map<String, String> out = new LinkedHashMap<>(map);
        out.put(key, value);
        return out;
    }

    static List<Accepted> accepted() {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        byte[] utf8 = bytes(PROBE);
        byte[] withBom = new byte[bom.length + utf8.length];
        System.arraycopy(bom, 0, withBom, 0, bom.length);
        System.arraycopy(utf8, 0, withBom, bom.length, utf8.length);
        byte[] utf16be = new byte[2 + PROBE.getBytes(StandardCharsets.UTF_16BE).length];
        utf16be[0] = (byte) 0xFE;
        utf16be[1] = (byte) 0xFF;
        System.arraycopy(PROBE.getBytes(StandardCharsets.UTF_16BE), 0, utf16be, 2, utf16be.length - 2);
        return List.of(
                new Accepted(
                        "numbers and booleans as quoted strings", Map.of("probe.yaml", utf8), PROBE_LABELS, PROBE_DATA),
                new Accepted("a UTF-8 byte order mark", Map.of("probe.yaml", withBom), PROBE_LABELS, PROBE_DATA),
                new Accepted(
                        "UTF-16 little-endian with its mark",
                        Map.of("probe.yaml", utf16(PROBE)),
                        PROBE_LABELS,
                        PROBE_DATA),
                new Accepted(
                        "UTF-16 big-endian with its mark", Map.of("probe.yaml", utf16be), PROBE_LABELS, PROBE_DATA),
                new Accepted(
                        "CRLF line ends",
                        Map.of("probe.yaml", bytes(PROBE.replace("\n", "\r\n"))),
                        PROBE_LABELS,
                        PROBE_DATA),
                new Accepted(
                        "UTF-16 under kustomize",
                        Map.of(
                                "kustomization.yaml",
                                bytes("resources:\n- ns.yaml\n- cm.yaml\n- web.yaml\n- probe.yaml\n"),
                                "probe.yaml",
                                utf16(PROBE)),
                        PROBE_LABELS,
                        PROBE_DATA_KUSTOMIZED),
                new Accepted(
                        "CRLF under kustomize",
                        Map.of(
                                "kustomization.yaml",
                                bytes("resources:\r\n- ns.yaml\r\n- cm.yaml\r\n- web.yaml\r\n- probe.yaml\r\n"),
                                "probe.yaml",
                                bytes(PROBE.replace("\n", "\r\n"))),
                        PROBE_LABELS,
                        PROBE_DATA_KUSTOMIZED));
    }

    @BeforeAll
    static void goodRevisionRuns() throws Exception {
        repo = TestRepo.create(tmp.resolve("infra"));
        repo.write("good/ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n");
        repo.write("good/cm.yaml", String.format(CM, "settings"));
        repo.write("good/web.yaml", String.format(DEPLOY, "web", "web"));
        for (Case c : corpus()) {
            c.files()
                    .forEach((file, content) ->
                            repo.writeBytes("cases/" + c.name().replace(' ', '-') + "/" + file, content));
        }
        for (Accepted a : accepted()) {
            String dir = "accepted/" + a.name().replace(' ', '-') + "/";
            repo.write(dir + "ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n");
            repo.write(dir + "cm.yaml", String.format(CM, "settings"));
            repo.write(dir + "web.yaml", String.format(DEPLOY, "web", "web"));
            a.files().forEach((file, content) -> repo.writeBytes(dir + file, content));
        }
        repo.writeBytes("cases/invalid-utf-8/m.yaml", new byte[] {'a', ':', ' ', (byte) 0xC3, (byte) 0x28, '\n'});
        revision = repo.commit("good app and broken cases");
        sandbox =
                TestCluster.sandbox("it counts the requests of refused inputs").sandboxServer();
        client = sandbox.client();
        try (Reconciler r = Wiring.reconciler(
                        client, ApplySettings.defaults(), SafetySettings.defaults(), WriteGuard.ALWAYS);
                Revisions revisions = revisions("good")) {
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
        return Wiring.revisions(TestSettings.path(repo.url(), path, "dev", tmp.resolve("work")));
    }

    /** Runs a cycle on the case's path the way the daemon does; returns the failure. */
    static StageException fail(String path) {
        sandbox.resetRequestCounts();
        try (Revisions revisions = revisions(path);
                Reconciler reconciler = Wiring.reconciler(
                        client, ApplySettings.defaults(), SafetySettings.defaults(), WriteGuard.ALWAYS)) {
            CycleResult r = reconciler.reconcile(revisions.latest());
            assertThat(r.outcome()).as("%s: %s", path, r.refusal()).isEqualTo(CycleResult.Outcome.FAILED);
            return r.error();
        } catch (StageException e) {
            return e;
        } finally {
            assertThat(sandbox.requestCounts())
                    .as("no write reached the cluster")
                    .doesNotContainKeys("POST", "PUT", "PATCH", "DELETE");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void failsAtTheRightStageWithAPreciseMessageAndTouchesNothing(Case c) {
        StageException e = fail("cases/" + c.name().replace(' ', '-'));
        assertThat(e.stage()).as(e.getMessage()).isEqualTo(c.stage());
        assertThat(e.getMessage()).contains(c.message());
        assertThat(client.configMaps().inNamespace("shop").withName("settings").get())
                .isNotNull();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("accepted")
    void isAppliedExactlyAsWritten(Accepted a) {
        try (Revisions revisions = revisions("accepted/" + a.name().replace(' ', '-'));
                Reconciler reconciler = Wiring.reconciler(
                        client, ApplySettings.defaults(), SafetySettings.defaults(), WriteGuard.ALWAYS)) {
            CycleResult r = reconciler.reconcile(revisions.latest());
            assertThat(r.outcome())
                    .as("%s: %s", a.name(), r.error())
                    .isIn(CycleResult.Outcome.SUCCEEDED, CycleResult.Outcome.NOOP);
        }
        ConfigMap probe =
                client.configMaps().inNamespace("shop").withName("probe").get();
        assertThat(probe.getMetadata().getLabels()).containsAllEntriesOf(a.labels());
        assertThat(probe.getData()).isEqualTo(a.data());
    }

    @Test
    void invalidUtf8() {
        StageException e = fail("cases/invalid-utf-8");
        assertThat(e.stage()).isEqualTo(Stage.RENDER);
        assertThat(e.getMessage()).contains("cases/invalid-utf-8/m.yaml").contains("not valid UTF-8");
    }

    @Test
    void aMissingPath() {
        StageException e = fail("cases/does-not-exist");
        assertThat(e.getMessage()).contains("no such directory in revision " + revision);
    }
}
