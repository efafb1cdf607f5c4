package io.alfred.gitops.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The sandbox refuses what a real API server refuses: every case in {@code validation-corpus/invalid.yaml}
 * (each with the field path and wording the API reference and the API server's validation give) is
 * refused with that path, and every object in {@code valid.yaml}, the bases, and the example's dev,
 * staging and prod overlays are accepted. Sent as a client sends them, over HTTP with
 * {@code dryRun=All}, so nothing is stored between cases.
 */
class ValidationCorpusTest {
    private static final ObjectMapper YAML = new YAMLMapper();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    static SandboxApiServer sandbox;
    static JsonNode bases;
    static final Map<String, String[]> RESOURCES = new HashMap<>(); // apiVersion/kind -> plural, namespaced

    @BeforeAll
    static void start() throws Exception {
        sandbox = SandboxApiServer.start();
        bases = read("bases.yaml");
        post(
                (ObjectNode) JSON.readTree(
                        "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"shop\"}}"),
                false);
        HttpResponse<String> crd = post(bases.get("crd").deepCopy(), false);
        assertThat(crd.statusCode()).as(crd.body()).isEqualTo(201);
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    @TestFactory
    Stream<DynamicTest> refusedAsByARealServer() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : read("invalid.yaml")) {
            tests.add(DynamicTest.dynamicTest(c.path("case").asText(), () -> {
                ObjectNode object = build(c);
                HttpResponse<String> response = post(object, true);
                int expected = c.path("code").asInt(422);
                JsonNode status = JSON.readTree(response.body());
                assertThat(response.statusCode())
                        .as(
                                "%s (%s)\n%s",
                                c.path("case").asText(), c.path("ref").asText(), response.body())
                        .isEqualTo(expected);
                assertThat(status.path("message").asText())
                        .as(c.path("ref").asText())
                        .contains(c.path("message").asText());
                if (c.has("field")) {
                    List<String> fields = new ArrayList<>();
                    status.path("details")
                            .path("causes")
                            .forEach(cause -> fields.add(cause.path("field").asText()));
                    assertThat(fields)
                            .as("causes of %s", status.path("message").asText())
                            .contains(c.path("field").asText());
                    assertThat(status.path("message").asText())
                            .contains(c.path("field").asText() + ": ");
                }
            }));
        }
        assertThat(tests).hasSizeGreaterThanOrEqualTo(150);
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> acceptedAsByARealServer() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> all = bases.fields();
        while (all.hasNext()) {
            Map.Entry<String, JsonNode> base = all.next();
            if (!base.getKey().equals("crd")) {
                tests.add(accepted(
                        "base " + base.getKey(), (ObjectNode) base.getValue().deepCopy()));
            }
        }
        for (JsonNode c : read("valid.yaml")) {
            tests.add(accepted(c.path("case").asText(), build(c)));
        }
        for (String env : List.of("dev", "staging", "prod")) {
            for (ObjectNode object : overlay(env)) {
                tests.add(accepted(
                        env + " " + object.path("kind").asText() + " "
                                + object.path("metadata").path("name").asText(),
                        object));
            }
        }
        assertThat(tests).hasSizeGreaterThanOrEqualTo(50);
        return tests.stream();
    }

    private static DynamicTest accepted(String name, ObjectNode object) {
        return DynamicTest.dynamicTest(name, () -> {
            HttpResponse<String> response = post(object, true);
            assertThat(response.statusCode())
                    .as("%s\n%s", name, response.body())
                    .isBetween(200, 201);
        });
    }

    /**
     * The example overlay rendered by kubectl, with its CRDs and Namespaces created for real first
     * (the objects in them are then dry-run).
     */
    private static List<ObjectNode> overlay(String env) throws Exception {
        assumeTrue(
                new ProcessBuilder("kubectl", "version", "--client").start().waitFor() == 0, "kubectl is not on PATH");
        Path dir = Path.of("examples/alfred-platform/infra/k8s/overlays", env);
        Process p = new ProcessBuilder("kubectl", "kustomize", dir.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String yaml = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).isZero();
        List<ObjectNode> objects = new ArrayList<>();
        try (var parser = YAML.getFactory().createParser(yaml)) {
            YAML.readValues(parser, ObjectNode.class).forEachRemaining(objects::add);
        }
        List<ObjectNode> dryRun = new ArrayList<>();
        for (ObjectNode o : objects) {
            String kind = o.path("kind").asText();
            if (kind.equals("CustomResourceDefinition") || kind.equals("Namespace")) {
                HttpResponse<String> r = post(o.deepCopy(), false);
                assertThat(r.statusCode()).as(r.body()).isIn(201, 409); // 409: the same one, from an earlier overlay
            } else {
                dryRun.add(o);
            }
        }
        return dryRun;
    }

    /**
     * A case's object: its base with {@code set} and {@code remove} applied (JSON pointers; {@code @repeat c n}
     * expanded).
     */
    static ObjectNode build(JsonNode c) {
        ObjectNode object = (ObjectNode) bases.get(c.path("base").asText()).deepCopy();
        c.path("set").fields().forEachRemaining(e -> set(object, e.getKey(), expand(e.getValue())));
        for (JsonNode pointer : c.path("remove")) {
            remove(object, pointer.asText());
        }
        return object;
    }

    private static JsonNode expand(JsonNode value) {
        if (value.isTextual() && value.asText().startsWith("@repeat ")) {
            String[] parts = value.asText().split(" ");
            return JSON.getNodeFactory().textNode(parts[1].repeat(Integer.parseInt(parts[2])));
        }
        if (value.isObject()) {
            ObjectNode out = JSON.createObjectNode();
            value.fields()
                    .forEachRemaining(e -> out.set(
                            expand(JSON.getNodeFactory().textNode(e.getKey())).asText(), expand(e.getValue())));
            return out;
        }
        return value.deepCopy();
    }

    private static void set(ObjectNode root, String pointer, JsonNode value) {
        String[] parts = pointer.substring(1).split("/");
        JsonNode node = root;
        for (int i = 0; i < parts.length - 1; i++) {
            JsonNode next = child(node, parts[i]);
            if (next == null || next.isNull() || next.isMissingNode()) {
                next = parts[i + 1].matches("\\d+") ? JSON.createArrayNode() : JSON.createObjectNode();
                put(node, parts[i], next);
            }
            node = next;
        }
        put(node, parts[parts.length - 1], value);
    }

    private static JsonNode child(JsonNode node, String key) {
        return node.isArray() ? node.get(Integer.parseInt(key)) : node.get(key.replace("~1", "/"));
    }

    private static void put(JsonNode node, String key, JsonNode value) {
        if (node instanceof ArrayNode array) {
            int i = Integer.parseInt(key);
            if (i < array.size()) {
                array.set(i, value);
            } else {
                array.add(value);
            }
        } else {
            ((ObjectNode) node).set(key.replace("~1", "/"), value);
        }
    }

    private static void remove(ObjectNode root, String pointer) {
        String[] parts = pointer.substring(1).split("/");
        JsonNode node = root;
        for (int i = 0; i < parts.length - 1; i++) {
            node = child(node, parts[i]);
        }
        if (node instanceof ArrayNode array) {
            array.remove(Integer.parseInt(parts[parts.length - 1]));
        } else {
            ((ObjectNode) node).remove(parts[parts.length - 1].replace("~1", "/"));
        }
    }

    static HttpResponse<String> post(ObjectNode object, boolean dryRun) throws Exception {
        String apiVersion = object.path("apiVersion").asText();
        String[] resource = resource(apiVersion, object.path("kind").asText());
        String base = apiVersion.contains("/") ? "/apis/" + apiVersion : "/api/" + apiVersion;
        String namespace = object.path("metadata").path("namespace").asText("");
        String path = base
                + (resource[1].equals("true") ? "/namespaces/" + (namespace.isEmpty() ? "default" : namespace) : "")
                + "/" + resource[0] + (dryRun ? "?dryRun=All" : "");
        HttpRequest request = HttpRequest.newBuilder(URI.create(sandbox.url() + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(object)))
                .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** Plural and scope of a kind, from the sandbox's discovery, as a client finds them. */
    private static String[] resource(String apiVersion, String kind) throws Exception {
        String key = apiVersion + "/" + kind;
        if (!RESOURCES.containsKey(key)) {
            String base = apiVersion.contains("/") ? "/apis/" + apiVersion : "/api/" + apiVersion;
            HttpResponse<String> r = HTTP.send(
                    HttpRequest.newBuilder(URI.create(sandbox.url() + base)).build(),
                    HttpResponse.BodyHandlers.ofString());
            for (JsonNode res : JSON.readTree(r.body()).path("resources")) {
                if (!res.path("name").asText().contains("/")) {
                    RESOURCES.put(apiVersion + "/" + res.path("kind").asText(), new String[] {
                        res.path("name").asText(),
                        String.valueOf(res.path("namespaced").asBoolean())
                    });
                }
            }
        }
        return RESOURCES.get(key);
    }

    private static JsonNode read(String file) throws IOException {
        try (InputStream in = ValidationCorpusTest.class.getResourceAsStream("/validation-corpus/" + file)) {
            return YAML.readTree(in);
        }
    }
}
