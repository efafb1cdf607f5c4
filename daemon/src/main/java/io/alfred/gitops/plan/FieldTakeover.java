package io.alfred.gitops.plan;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Fields another field manager owned before a forced apply and loses by it, read from
 * {@code metadata.managedFields} of the live object and of the dry-run result. A real server and
 * the sandbox both move a conflicting field to the forcing manager; fields with equal values stay
 * shared and are not a takeover.
 */
public final class FieldTakeover {
    private FieldTakeover() {}

    /** {@code manager: path, path} for every other manager that loses fields, in manager order; empty when none. */
    public static List<String> describe(JsonNode live, JsonNode wouldBe, String ourManager) {
        if (live == null || wouldBe == null) {
            return List.of();
        }
        Map<String, TreeSet<String>> before = owned(live, ourManager);
        Map<String, TreeSet<String>> after = owned(wouldBe, ourManager);
        List<String> out = new ArrayList<>();
        before.forEach((manager, paths) -> {
            TreeSet<String> lost = new TreeSet<>(paths);
            lost.removeAll(after.getOrDefault(manager, new TreeSet<>()));
            if (!lost.isEmpty()) {
                out.add(manager + ": " + String.join(", ", lost));
            }
        });
        return out;
    }

    private static Map<String, TreeSet<String>> owned(JsonNode object, String ourManager) {
        Map<String, TreeSet<String>> out = new LinkedHashMap<>();
        for (JsonNode entry : object.path("metadata").path("managedFields")) {
            String manager = entry.path("manager").asText("");
            if (manager.equals(ourManager)) {
                continue;
            }
            TreeSet<String> paths = out.computeIfAbsent(manager, m -> new TreeSet<>());
            leaves(entry.path("fieldsV1"), "", paths);
        }
        return out;
    }

    /**
     * Leaf paths of a fieldsV1 set: {@code f:spec/f:replicas} becomes {@code spec.replicas}, {@code k:{"name":"app"}}
     * becomes {@code [name=app]}.
     */
    private static void leaves(JsonNode set, String prefix, TreeSet<String> out) {
        boolean leaf = true;
        Iterator<Map.Entry<String, JsonNode>> it = set.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            if (key.equals(".")) {
                continue;
            }
            leaf = false;
            leaves(e.getValue(), prefix + segment(key, prefix.isEmpty()), out);
        }
        if (leaf && !prefix.isEmpty()) {
            out.add(prefix);
        }
    }

    private static String segment(String key, boolean first) {
        if (key.startsWith("f:")) {
            return (first ? "" : ".") + key.substring(2);
        }
        if (key.startsWith("k:")) {
            return "[" + key.substring(2).replaceAll("[{}\"]", "").replace(':', '=') + "]";
        }
        if (key.startsWith("v:")) {
            return "[" + key.substring(2) + "]";
        }
        if (key.startsWith("i:")) {
            return "[" + key.substring(2) + "]";
        }
        return (first ? "" : ".") + key;
    }
}
