package io.alfred.gitops.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Flux postBuild-compatible substitution. */
class SubstitutionTest {
    private final Substitution vars = new Substitution(Map.of("cluster_name", "eu-1", "tag", "1.4.2", "empty", ""));

    private static Manifest manifest(String yaml) {
        return ManifestParser.parse(yaml, "test.yaml").get(0);
    }

    private Manifest apply(String yaml) {
        return vars.apply(List.of(manifest(yaml))).get(0);
    }

    @Test
    void substitutesStringValuesEverywhere() {
        Manifest m = apply("""
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: app-${cluster_name}
                  namespace: apps
                  labels: {cluster: "${cluster_name}"}
                spec:
                  template:
                    spec:
                      containers:
                      - name: app
                        image: "registry/app:${tag}"
                        args: ["--cluster=${cluster_name}", "--port", "8080"]
                """);
        assertThat(m.ref().name()).as("identity follows the substituted name").isEqualTo("app-eu-1");
        assertThat(m.body().at("/metadata/labels/cluster").asText()).isEqualTo("eu-1");
        assertThat(m.body().at("/spec/template/spec/containers/0/image").asText())
                .isEqualTo("registry/app:1.4.2");
        assertThat(m.body().at("/spec/template/spec/containers/0/args/0").asText())
                .isEqualTo("--cluster=eu-1");
    }

    @Test
    void defaultsApplyWhenUndefinedOrEmpty() {
        assertThat(value("${missing:=fallback}")).isEqualTo("fallback");
        assertThat(value("${missing:-dash}")).isEqualTo("dash");
        assertThat(value("${empty:=was-empty}")).isEqualTo("was-empty");
        assertThat(value("${tag:=ignored}")).isEqualTo("1.4.2");
        assertThat(value("${missing:=}")).isEmpty();
    }

    @Test
    void escapesAndBareDollarsStayLiteral() {
        assertThat(value("$${tag}")).isEqualTo("${tag}");
        assertThat(value("echo $HOME and $tag")).isEqualTo("echo $HOME and $tag");
        assertThat(value("cost: 5$")).isEqualTo("cost: 5$");
    }

    @Test
    void undefinedVariableIsAnErrorNamingObjectAndField() {
        assertThatThrownBy(() -> apply("""
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: cfg, namespace: apps}
                data: {url: "https://${host}/api"}
                """))
                .isInstanceOf(RenderException.class)
                .hasMessageContaining("ConfigMap apps/cfg")
                .hasMessageContaining("data.url")
                .hasMessageContaining("variable ${host} is not defined");
    }

    @Test
    void badSyntaxIsAnError() {
        assertThatThrownBy(() -> value("${unclosed")).hasMessageContaining("unterminated");
        assertThatThrownBy(() -> value("${1abc}")).hasMessageContaining("not a variable reference");
        assertThatThrownBy(() -> value("${a:?x}")).hasMessageContaining("not supported");
    }

    @Test
    void secretValuesNeverAppearInErrors() {
        assertThatThrownBy(() -> apply("""
                apiVersion: v1
                kind: Secret
                metadata: {name: creds, namespace: apps}
                stringData: {password: "hunter2-${unclosed"}
                """))
                .hasMessageContaining("Secret apps/creds")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void objectsCanOptOut() {
        Manifest m = apply("""
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: script
                  namespace: apps
                  annotations: {gitops.alfred.io/substitute: disabled}
                data: {run.sh: "echo ${UNDEFINED_IN_SHELL}"}
                """);
        assertThat(m.body().at("/data/run.sh").asText()).isEqualTo("echo ${UNDEFINED_IN_SHELL}");
    }

    @Test
    void keysAndNonStringsAreLeftAlone() {
        Manifest m = apply("""
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: c, namespace: apps}
                data: {"${tag}": "x"}
                """);
        assertThat(m.body().at("/data").fieldNames().next()).isEqualTo("${tag}");
    }

    private String value(String v) {
        return apply("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: a}\ndata: {k: \""
                        + v.replace("\"", "\\\"") + "\"}\n")
                .body()
                .at("/data/k")
                .asText();
    }

    @Test
    void leavesAnObjectWithoutVariablesAsItIsAndCopiesOneWithThem() {
        Manifest plain = manifest("""
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: plain, namespace: apps}
                data: {price: "5 EUR", path: /srv}
                """);
        Manifest templated = manifest("""
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: templated, namespace: apps}
                data: {cluster: "${cluster_name}", fixed: "$literal"}
                """);
        List<Manifest> out = vars.apply(List.of(plain, templated));
        assertThat(out.get(0))
                .as("nothing to substitute: the render keeps the parsed tree")
                .isSameAs(plain);
        assertThat(out.get(1).body().at("/data/cluster").asText()).isEqualTo("eu-1");
        assertThat(out.get(1).body().at("/data/fixed").asText()).isEqualTo("$literal");
        assertThat(templated.body().at("/data/cluster").asText())
                .as("the input is not changed")
                .isEqualTo("${cluster_name}");
    }
}
