package io.alfred.gitops.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * {@code application/strategic-merge-patch+json}, which {@code kubectl apply} (client-side),
 * {@code kubectl patch} and {@code kubectl edit} send: a JSON merge patch, except that the lists
 * Kubernetes declares with {@code patchStrategy: merge} are merged element by element on their
 * {@code patchMergeKey} (containers by name, volume mounts by mount path, ...), and the directives
 * {@code $patch: replace|delete}, {@code $retainKeys}, {@code $deleteFromPrimitiveList/...} and
 * {@code $setElementOrder/...} are honoured. The merge keys are those of the Kubernetes API types
 * the sandbox serves (see {@code // +patchMergeKey} in k8s.io/api); other lists are replaced.
 */
final class StrategicMergePatch {
    /** List field to merge key; "" for lists of primitives merged as sets. */
    private static final Map<String, String> MERGE_KEYS = Map.ofEntries(
            Map.entry("containers", "name"),
            Map.entry("initContainers", "name"),
            Map.entry("ephemeralContainers", "name"),
            Map.entry("env", "name"),
            Map.entry("volumes", "name"),
            Map.entry("volumeMounts", "mountPath"),
            Map.entry("volumeDevices", "devicePath"),
            Map.entry("imagePullSecrets", "name"),
            Map.entry("hostAliases", "ip"),
            Map.entry("ownerReferences", "uid"),
            Map.entry("conditions", "type"),
            Map.entry("topologySpreadConstraints", "topologyKey"),
            Map.entry("resourceClaims", "name"),
            Map.entry("finalizers", ""));

    private StrategicMergePatch() {}

    static JsonNode apply(JsonNode live, JsonNode patch) {
        return apply(live, patch, "");
    }

    /** @param parent the field this object is the value (or a list element) of */
    private static JsonNode apply(JsonNode live, JsonNode patch, String parent) {
        if (!(patch instanceof ObjectNode p)) {
            return patch.deepCopy();
        }
        String directive = p.path("$patch").asText("");
        if (directive.equals("delete")) {
            return null;
        }
        ObjectNode result = live instanceof ObjectNode o && !directive.equals("replace")
                ? o.deepCopy()
                : ((ObjectNode) live).objectNode();
        JsonNode retain = p.get("$retainKeys");
        if (retain != null && retain.isArray()) {
            Set<String> keep = new HashSet<>();
            retain.forEach(k -> keep.add(k.asText()));
            Iterator<String> names = result.fieldNames();
            while (names.hasNext()) {
                if (!keep.contains(names.next())) {
                    names.remove();
                }
            }
        }
        Iterator<Map.Entry<String, JsonNode>> fields = p.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String key = field.getKey();
            JsonNode value = field.getValue();
            if (key.startsWith("$deleteFromPrimitiveList/")) {
                String list = key.substring(key.indexOf('/') + 1);
                if (result.get(list) instanceof ArrayNode items) {
                    Set<JsonNode> remove = new HashSet<>();
                    value.forEach(remove::add);
                    ArrayNode kept = items.arrayNode();
                    items.forEach(i -> {
                        if (!remove.contains(i)) {
                            kept.add(i);
                        }
                    });
                    result.set(list, kept);
                }
                continue;
            }
            if (key.startsWith("$")) {
                continue; // $patch, $retainKeys, $setElementOrder/...: handled above or an ordering hint
            }
            if (value.isNull()) {
                result.remove(key);
            } else if (value.isObject()) {
                JsonNode merged =
                        apply(result.path(key).isObject() ? result.get(key) : result.objectNode(), value, key);
                if (merged == null) {
                    result.remove(key);
                } else {
                    result.set(key, merged);
                }
            } else if (value.isArray()
                    && mergeKey(key, parent) != null
                    && result.get(key) instanceof ArrayNode liveList) {
                result.set(key, mergeList(liveList, (ArrayNode) value, mergeKey(key, parent), key));
            } else {
                result.set(key, value.deepCopy());
            }
        }
        return result;
    }

    /** The merge key of a list field, or null for a list that is replaced; ports depend on whose they are. */
    static String mergeKey(String field, String parent) {
        if (field.equals("ports")) {
            return switch (parent) {
                case "containers", "initContainers", "ephemeralContainers" -> "containerPort";
                case "spec" -> "port"; // a Service's (a NetworkPolicy's are under ingress/egress rules)
                default -> null;
            };
        }
        return MERGE_KEYS.get(field);
    }

    private static ArrayNode mergeList(ArrayNode live, ArrayNode patch, String key, String field) {
        ArrayNode result = live.deepCopy();
        if (key.isEmpty()) {
            for (JsonNode item : patch) {
                boolean present = false;
                for (JsonNode existing : result) {
                    present |= existing.equals(item);
                }
                if (!present) {
                    result.add(item.deepCopy());
                }
            }
            return result;
        }
        for (JsonNode item : patch) {
            if (item.size() == 1
                    && item.has("$patch")
                    && item.path("$patch").asText().equals("replace")) {
                return result.arrayNode();
            }
            int at = indexOf(result, key, item.path(key));
            if (at < 0) {
                if (!"delete".equals(item.path("$patch").asText())) {
                    ObjectNode added = ((ObjectNode) item).deepCopy();
                    added.remove("$patch");
                    result.add(added);
                }
            } else {
                JsonNode merged = apply(result.get(at), item, field);
                if (merged == null) {
                    result.remove(at);
                } else {
                    result.set(at, merged);
                }
            }
        }
        return result;
    }

    private static int indexOf(ArrayNode list, String key, JsonNode value) {
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i).path(key).equals(value)) {
                return i;
            }
        }
        return -1;
    }
}
