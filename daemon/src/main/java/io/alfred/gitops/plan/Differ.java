package io.alfred.gitops.plan;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import com.github.difflib.patch.Patch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Compares what the cluster has with what the dry run says it would have, ignoring what the server
 * owns, and writes a unified YAML diff. A Secret's values never appear: its diff names the keys
 * that were added, changed or removed.
 */
public final class Differ {
    private static final YAMLMapper YAML = new YAMLMapper(YAMLFactory.builder()
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .build());
    private static final List<String> SERVER_METADATA =
            List.of("managedFields", "resourceVersion", "generation", "uid", "creationTimestamp", "selfLink");
    static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

    private Differ() {}

    /** The object without what the API server owns. */
    public static ObjectNode normalize(JsonNode object) {
        ObjectNode copy = object.deepCopy();
        copy.remove("status");
        if (copy.path("metadata") instanceof ObjectNode metadata) {
            metadata.remove(SERVER_METADATA);
            if (metadata.path("annotations") instanceof ObjectNode a && a.isEmpty()) {
                metadata.remove("annotations");
            }
        }
        return copy;
    }

    public static boolean same(JsonNode live, JsonNode wouldBe) {
        return normalize(live).equals(NUMERIC, normalize(wouldBe));
    }

    private static final Comparator<JsonNode> NUMERIC = (x, y) -> {
        if (x.equals(y)) {
            return 0;
        }
        return x.isNumber() && y.isNumber() && x.decimalValue().compareTo(y.decimalValue()) == 0 ? 0 : 1;
    };

    /** Unified diff from {@code live} (null when the object is new) to {@code wouldBe}. */
    public static String diff(String title, JsonNode live, JsonNode wouldBe, boolean secret) {
        ObjectNode before = live == null ? null : normalize(live);
        ObjectNode after = normalize(wouldBe);
        String secretNote = "";
        if (secret) {
            secretNote = secretKeys(before, after);
            for (ObjectNode o : before == null ? List.of(after) : List.of(before, after)) {
                o.remove(List.of("data", "stringData"));
                if (o.path("metadata").path("annotations") instanceof ObjectNode a) {
                    a.remove(LAST_APPLIED);
                }
            }
        }
        List<String> a = before == null ? List.of() : lines(before);
        List<String> b = lines(after);
        Patch<String> patch = DiffUtils.diff(a, b);
        List<String> out = new ArrayList<>();
        if (!patch.getDeltas().isEmpty()) {
            out.addAll(UnifiedDiffUtils.generateUnifiedDiff(
                    (live == null ? "/dev/null" : "live/" + title), "git/" + title, a, patch, 3));
        }
        if (!secretNote.isEmpty()) {
            if (out.isEmpty()) {
                out.add("--- live/" + title);
                out.add("+++ git/" + title);
            }
            out.add(secretNote);
        }
        return out.isEmpty() ? "" : String.join("\n", out) + "\n";
    }

    private static String secretKeys(ObjectNode before, ObjectNode after) {
        Set<String> added = new TreeSet<>();
        Set<String> changed = new TreeSet<>();
        Set<String> removed = new TreeSet<>();
        for (String field : List.of("data", "stringData")) {
            JsonNode a = before == null ? MissingNode.getInstance() : before.path(field);
            JsonNode b = after.path(field);
            b.fieldNames().forEachRemaining(k -> {
                if (!a.has(k)) {
                    added.add(k);
                } else if (!a.get(k).equals(b.get(k))) {
                    changed.add(k);
                }
            });
            a.fieldNames().forEachRemaining(k -> {
                if (!b.has(k)) {
                    removed.add(k);
                }
            });
        }
        List<String> parts = new ArrayList<>();
        if (!added.isEmpty()) {
            parts.add("added " + String.join(", ", added));
        }
        if (!changed.isEmpty()) {
            parts.add("changed " + String.join(", ", changed));
        }
        if (!removed.isEmpty()) {
            parts.add("removed " + String.join(", ", removed));
        }
        return parts.isEmpty() ? "" : "# Secret data (values not shown): " + String.join("; ", parts);
    }

    private static List<String> lines(JsonNode node) {
        try {
            return Arrays.asList(YAML.writeValueAsString(node).split("\n"));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
