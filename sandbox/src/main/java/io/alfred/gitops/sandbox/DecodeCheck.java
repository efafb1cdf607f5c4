package io.alfred.gitops.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import io.alfred.gitops.sandbox.validation.Quantities;
import java.util.Iterator;
import java.util.Map;

/**
 * What the API server's JSON decoder refuses before validation runs (400 BadRequest): a value of the
 * wrong JSON type for the Go field it goes into, checked against the kind's schema
 * ({@link KindSchemas}), and a malformed quantity. Worded as the decoder words it:
 * {@code Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string
 * into Go struct field DeploymentSpec.spec.replicas of type int32}.
 */
final class DecodeCheck {
    private DecodeCheck() {}

    static void check(ResourceType type, JsonNode object, OpenApiDocuments.Schema schema) {
        String problem = walk(object, schema.root(), schema, type.kind(), "");
        if (problem != null) {
            throw ApiError.badRequest(type.kind() + " in version \"" + type.version() + "\" cannot be handled as a "
                    + type.kind() + ": " + problem);
        }
    }

    private static String walk(
            JsonNode value, JsonNode schemaNode, OpenApiDocuments.Schema schema, String struct, String path) {
        JsonNode s = schema.resolve(schemaNode);
        if (s == null
                || value == null
                || value.isNull()
                || s.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
            return null;
        }
        if (s.path("x-kubernetes-int-or-string").asBoolean(false)) {
            if (value.isTextual()
                    && "quantity".equals(s.path("format").asText())
                    && !Quantities.valid(value.asText())) {
                return Quantities.FORMAT_WRONG;
            }
            return value.isNumber() || value.isTextual() ? null : unmarshal(value, struct, path, "intstr.IntOrString");
        }
        String type = s.path("type").asText("");
        switch (type) {
            case "string":
                return value.isTextual() ? null : unmarshal(value, struct, path, "string");
            case "integer":
                return value.isIntegralNumber()
                        ? null
                        : unmarshal(value, struct, path, s.path("format").asText("int64"));
            case "number":
                return value.isNumber() ? null : unmarshal(value, struct, path, "float64");
            case "boolean":
                return value.isBoolean() ? null : unmarshal(value, struct, path, "bool");
            case "array":
                if (!value.isArray()) {
                    return unmarshal(value, struct, path, "[]" + goType(s.path("items"), schema));
                }
                for (JsonNode item : value) {
                    String p = walk(item, s.path("items"), schema, struct, path);
                    if (p != null) {
                        return p;
                    }
                }
                return null;
            case "object":
                if (!value.isObject()) {
                    return unmarshal(value, struct, path, goType(schemaNode, schema));
                }
                if (s.has("additionalProperties")) {
                    Iterator<JsonNode> values = value.elements();
                    while (values.hasNext()) {
                        String p = walk(values.next(), s.get("additionalProperties"), schema, struct, path);
                        if (p != null) {
                            return p;
                        }
                    }
                    return null;
                }
                String inner = schemaNode.has("$ref")
                        ? simpleName(schemaNode.get("$ref").asText())
                        : struct;
                Iterator<Map.Entry<String, JsonNode>> fields = value.fields();
                while (fields.hasNext()) {
                    Map.Entry<String, JsonNode> f = fields.next();
                    JsonNode property = s.path("properties").path(f.getKey());
                    if (!property.isMissingNode()) {
                        String p = walk(
                                f.getValue(),
                                property,
                                schema,
                                inner,
                                path.isEmpty() ? f.getKey() : path + "." + f.getKey());
                        if (p != null) {
                            return p;
                        }
                    }
                }
                return null;
            default:
                return null;
        }
    }

    private static String unmarshal(JsonNode value, String struct, String path, String goType) {
        String kind = value.isNumber()
                ? "number" + (value.isIntegralNumber() ? "" : " " + value.asText())
                : value.isBoolean() ? "bool" : value.isObject() ? "object" : value.isArray() ? "array" : "string";
        return "json: cannot unmarshal " + kind + " into Go struct field " + struct + "." + path + " of type " + goType;
    }

    private static String goType(JsonNode schemaNode, OpenApiDocuments.Schema schema) {
        if (schemaNode.has("$ref")) {
            return "v1." + simpleName(schemaNode.get("$ref").asText());
        }
        JsonNode s = schema.resolve(schemaNode);
        if (s == null) {
            return "interface {}";
        }
        return switch (s.path("type").asText("")) {
            case "string" -> "string";
            case "integer" -> s.path("format").asText("int64");
            case "boolean" -> "bool";
            case "number" -> "float64";
            case "array" -> "[]" + goType(s.path("items"), schema);
            case "object" ->
                s.has("additionalProperties")
                        ? "map[string]" + goType(s.get("additionalProperties"), schema)
                        : "map[string]interface {}";
            default -> "interface {}";
        };
    }

    private static String simpleName(String ref) {
        return ref.substring(ref.lastIndexOf('.') + 1);
    }
}
