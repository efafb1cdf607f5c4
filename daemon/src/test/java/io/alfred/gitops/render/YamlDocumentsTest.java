package io.alfred.gitops.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The strict YAML reader: types as Kubernetes reads them, bounded aliases, precise errors. */
class YamlDocumentsTest {
    private static JsonNode one(String yaml) {
        return YamlDocuments.parse(yaml, "f.yaml").get(0).node();
    }

    @Test
    void readsScalarsAsKubernetesDoes() {
        JsonNode n = one("""
                i: 3
                s: "3"
                b: true
                f: 0.5
                n: null
                t: 2024-01-01
                q: "yes"
                """);
        assertThat(n.get("i").isIntegralNumber()).isTrue();
        assertThat(n.get("s").isTextual()).isTrue();
        assertThat(n.get("b").asBoolean()).isTrue();
        assertThat(n.get("f").isNumber()).isTrue();
        assertThat(n.get("n").isNull()).isTrue();
        assertThat(n.get("t").asText()).as("timestamps stay strings").isEqualTo("2024-01-01");
        assertThat(n.get("q").asText()).isEqualTo("yes");
    }

    @Test
    void splitsDocumentsAndSkipsEmptyOnes() {
        List<YamlDocuments.Document> docs = YamlDocuments.parse("a: 1\n---\n---\nb: 2\n", "f.yaml");
        assertThat(docs).hasSize(2);
        assertThat(docs.get(1).line()).isEqualTo(4);
    }

    @Test
    void duplicateKeysAreErrorsWithTheLine() {
        assertThatThrownBy(() -> one("a: 1\nb: 2\na: 3\n"))
                .isInstanceOf(RenderException.class)
                .hasMessageContaining("f.yaml:3")
                .hasMessageContaining("duplicate key 'a'");
    }

    @Test
    void aliasBombsAreStopped() {
        StringBuilder bomb =
                new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        char prev = 'a';
        for (char c = 'b'; c <= 'k'; c++) {
            bomb.append(c).append(": &").append(c).append(" [");
            for (int i = 0; i < 9; i++) {
                bomb.append(i == 0 ? "" : ",").append('*').append(prev);
            }
            bomb.append("]\n");
            prev = c;
        }
        assertThatThrownBy(() -> one(bomb.toString()))
                .isInstanceOf(RenderException.class)
                .hasMessageContaining("invalid YAML");
    }

    @Test
    void mergeKeysAreHonoured() {
        JsonNode n = one("base: &b {x: 1, y: 2}\nderived:\n  <<: *b\n  y: 3\n");
        assertThat(n.at("/derived/x").asInt()).isEqualTo(1);
        assertThat(n.at("/derived/y").asInt()).isEqualTo(3);
    }

    @Test
    void syntaxErrorsNameTheLine() {
        assertThatThrownBy(() -> one("a: 1\nb: [1, 2\nc: 3\n"))
                .isInstanceOf(RenderException.class)
                .hasMessageMatching("render: f\\.yaml:\\d+: invalid YAML.*");
    }

    @Test
    void keepsEachRepeatedScalarOnceAndEachMappingOnItsOwn() {
        List<YamlDocuments.Document> docs = YamlDocuments.parse("""
                metadata: {name: a, namespace: shop, labels: {tier: web}}
                spec: {port: 80}
                ---
                metadata: {name: b, namespace: shop, labels: {tier: web}}
                spec: {port: 80}
                """, "f.yaml");
        JsonNode a = docs.get(0).node();
        JsonNode b = docs.get(1).node();
        assertThat(a.get("metadata").get("namespace"))
                .isSameAs(b.get("metadata").get("namespace"));
        assertThat(a.get("spec").get("port")).isSameAs(b.get("spec").get("port"));
        assertThat(a.get("metadata").fieldNames().next())
                .isSameAs(b.get("metadata").fieldNames().next());
        ((ObjectNode) a.get("metadata").get("labels")).put("tier", "db").put("zone", "eu");
        ((ObjectNode) a.get("metadata")).remove("name");
        assertThat(b.get("metadata").get("labels"))
                .isEqualTo(JsonNodeFactory.instance.objectNode().put("tier", "web"));
        assertThat(b.get("metadata").get("name").asText()).isEqualTo("b");
        assertThat(a.get("metadata").toString())
                .isEqualTo("{\"namespace\":\"shop\",\"labels\":{\"tier\":\"db\",\"zone\":\"eu\"}}");
    }
}
