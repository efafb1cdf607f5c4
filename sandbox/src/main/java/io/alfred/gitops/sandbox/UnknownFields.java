package io.alfred.gitops.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Fields an object sets that its kind's schema does not declare: what the API server reports under
 * {@code fieldValidation=Strict|Warn} and drops from what it stores (it prunes them, for built-in
 * kinds and for structural CRD schemas alike). Keys starting with {@code $} are strategic-merge-patch
 * directives, not fields.
 */
final class UnknownFields {
    private UnknownFields() {}

    /**
     * Removes the undeclared fields from {@code object} and returns their paths, as the API server
     * names them ({@code spec.template.spec.containers[0].foo}).
     */
    static List<String> prune(ObjectNode object, OpenApiDocuments.Schema schema) {
        List<String> found = new ArrayList<>();
        walk(object, schema.root(), schema, "", found);
        return found;
    }

    private static void walk(
            JsonNode value, JsonNode schemaNode, OpenApiDocuments.Schema schema, String path, List<String> found) {
        JsonNode s = schema.resolve(schemaNode);
        if (s == null
                || s.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)
                || s.path("x-kubernetes-int-or-string").asBoolean(false)) {
            return;
        }
        if (value instanceof ObjectNode object) {
            JsonNode properties = s.path("properties");
            JsonNode additional = s.path("additionalProperties");
            if (!properties.isObject() && !additional.isObject()) {
                return; // a schema that does not describe the object's fields
            }
            Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                String key = field.getKey();
                if (key.startsWith("$")) {
                    continue;
                }
                String at = path.isEmpty() ? key : path + "." + key;
                if (properties.has(key)) {
                    walk(field.getValue(), properties.get(key), schema, at, found);
                } else if (additional.isObject()) {
                    walk(field.getValue(), additional, schema, at, found);
                } else {
                    found.add(at);
                    fields.remove();
                }
            }
        } else if (value instanceof ArrayNode array && s.has("items")) {
            for (int i = 0; i < array.size(); i++) {
                walk(array.get(i), s.get("items"), schema, path + "[" + i + "]", found);
            }
        }
    }
}
