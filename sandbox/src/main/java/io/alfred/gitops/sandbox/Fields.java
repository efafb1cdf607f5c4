package io.alfred.gitops.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Field paths of an object, the unit of ownership in server-side apply. A path ends at a scalar, a
 * list or an empty map: lists are owned as a whole (the sandbox's simplification of associative
 * lists). Fields the server owns (identity, resourceVersion, managedFields, status...) are not
 * tracked.
 */
final class Fields {
    private static final Set<String> SERVER_METADATA = Set.of(
            "name",
            "namespace",
            "uid",
            "resourceVersion",
            "generation",
            "creationTimestamp",
            "managedFields",
            "deletionTimestamp",
            "deletionGracePeriodSeconds",
            "selfLink");

    private Fields() {}

    /** Equal as JSON: 1 as an int equals 1 as a long, as the wire cannot tell them apart. */
    static boolean same(JsonNode a, JsonNode b) {
        return a.equals(NUMERIC, b);
    }

    private static final Comparator<JsonNode> NUMERIC = (x, y) -> {
        if (x.equals(y)) {
            return 0;
        }
        if (x.isNumber() && y.isNumber()) {
            return x.decimalValue().compareTo(y.decimalValue());
        }
        return 1;
    };

    static Set<List<String>> leaves(JsonNode object) {
        Set<List<String>> out = new LinkedHashSet<>();
        Iterator<Map.Entry<String, JsonNode>> it = object.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            if (key.equals("apiVersion") || key.equals("kind") || key.equals("status")) {
                continue;
            }
            if (key.equals("metadata")) {
                Iterator<Map.Entry<String, JsonNode>> m = e.getValue().fields();
                while (m.hasNext()) {
                    Map.Entry<String, JsonNode> me = m.next();
                    if (!SERVER_METADATA.contains(me.getKey())) {
                        collect(me.getValue(), List.of("metadata", me.getKey()), out);
                    }
                }
                continue;
            }
            collect(e.getValue(), List.of(key), out);
        }
        return out;
    }

    private static void collect(JsonNode node, List<String> path, Set<List<String>> out) {
        if (node.isObject() && node.size() > 0) {
            node.fields().forEachRemaining(e -> collect(e.getValue(), append(path, e.getKey()), out));
        } else {
            out.add(path);
        }
    }

    static List<String> append(List<String> path, String key) {
        List<String> p = new ArrayList<>(path);
        p.add(key);
        return List.copyOf(p);
    }

    static JsonNode valueAt(JsonNode root, List<String> path) {
        JsonNode n = root;
        for (String key : path) {
            n = n.isObject() ? n.path(key) : MissingNode.getInstance();
        }
        return n;
    }

    static boolean overlaps(List<String> a, List<String> b) {
        int n = Math.min(a.size(), b.size());
        return a.subList(0, n).equals(b.subList(0, n));
    }

    static boolean overlapsAny(List<String> path, Set<List<String>> set) {
        for (List<String> p : set) {
            if (overlaps(path, p)) {
                return true;
            }
        }
        return false;
    }

    /** Removes the field at path and the maps it leaves empty. */
    static void remove(ObjectNode root, List<String> path) {
        JsonNode parent = valueAt(root, path.subList(0, path.size() - 1));
        if (parent instanceof ObjectNode p) {
            p.remove(path.get(path.size() - 1));
            if (p.isEmpty() && path.size() > 1) {
                remove(root, path.subList(0, path.size() - 1));
            }
        }
    }

    /** Paths whose value differs between two versions of an object (added, changed or removed). */
    static Set<List<String>> changed(JsonNode before, JsonNode after) {
        Set<List<String>> out = new LinkedHashSet<>();
        Set<List<String>> a = before == null ? Set.of() : leaves(before);
        Set<List<String>> b = leaves(after);
        for (List<String> p : b) {
            if (!same(valueAt(after, p), before == null ? MissingNode.getInstance() : valueAt(before, p))) {
                out.add(p);
            }
        }
        for (List<String> p : a) {
            if (!b.contains(p) && valueAt(after, p).isMissingNode()) {
                out.add(p);
            }
        }
        return out;
    }

    /** Deep merge: maps merge key by key, everything else (lists included) is replaced. */
    static void merge(ObjectNode target, JsonNode patch) {
        patch.fields().forEachRemaining(e -> {
            JsonNode existing = target.get(e.getKey());
            if (existing instanceof ObjectNode t && e.getValue().isObject()) {
                merge(t, e.getValue());
            } else {
                target.set(e.getKey(), e.getValue().deepCopy());
            }
        });
    }

    /** The managedFields FieldsV1 encoding: nested {@code "f:<name>"} keys, leaves as {}. */
    static ObjectNode toFieldsV1(Set<List<String>> paths) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        for (List<String> path : paths) {
            ObjectNode n = root;
            for (String key : path) {
                JsonNode child = n.get("f:" + key);
                n = child instanceof ObjectNode o ? o : n.putObject("f:" + key);
            }
        }
        return root;
    }

    static Set<List<String>> fromFieldsV1(JsonNode fields) {
        Set<List<String>> out = new LinkedHashSet<>();
        walkFieldsV1(fields, List.of(), out);
        return out;
    }

    private static void walkFieldsV1(JsonNode node, List<String> path, Set<List<String>> out) {
        boolean hasChildren = false;
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().startsWith("f:")) {
                hasChildren = true;
                walkFieldsV1(e.getValue(), append(path, e.getKey().substring(2)), out);
            } else if (!e.getKey().equals(".")) {
                // k:/v:/i: list member keys of a real server: the list is owned as a whole here
                hasChildren = true;
                out.add(path);
            }
        }
        if (!hasChildren && !path.isEmpty()) {
            out.add(path);
        }
    }

    static String display(List<String> path) {
        return "." + String.join(".", path);
    }
}
