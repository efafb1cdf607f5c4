package io.alfred.gitops.sandbox.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A custom resource against its CRD's structural {@code openAPIV3Schema}, as the apiextensions
 * server's schema validation reports it: types ({@code spec.size in body must be of type integer}),
 * required properties, enums, patterns, bounds on numbers, lengths and items, {@code nullable},
 * {@code x-kubernetes-int-or-string} and {@code x-kubernetes-preserve-unknown-fields}; and the
 * schema's {@code default}s, filled in before validation as the server does.
 */
public final class CustomResourceSchema {
    private CustomResourceSchema() {}

    /** Fills in the schema's defaults, in place. */
    public static void applyDefaults(JsonNode value, JsonNode schema) {
        if (!(value instanceof ObjectNode object)) {
            if (value != null && value.isArray() && schema.has("items")) {
                value.forEach(item -> applyDefaults(item, schema.get("items")));
            }
            return;
        }
        Iterator<Map.Entry<String, JsonNode>> properties =
                schema.path("properties").fields();
        while (properties.hasNext()) {
            Map.Entry<String, JsonNode> p = properties.next();
            if (!object.has(p.getKey()) && p.getValue().has("default")) {
                object.set(p.getKey(), p.getValue().get("default").deepCopy());
            }
            if (object.has(p.getKey())) {
                applyDefaults(object.get(p.getKey()), p.getValue());
            }
        }
    }

    /**
     * The errors of {@code object} (a whole custom resource) under {@code schema}; metadata, apiVersion and kind are
     * the server's.
     */
    public static List<FieldError> validate(JsonNode object, JsonNode schema) {
        Errors errors = new Errors();
        Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            if (!List.of("apiVersion", "kind", "metadata").contains(f.getKey())) {
                JsonNode property = schema.path("properties").path(f.getKey());
                if (!property.isMissingNode()) {
                    check(f.getValue(), property, f.getKey(), errors);
                }
            }
        }
        for (JsonNode required : schema.path("required")) {
            if (!object.has(required.asText())) {
                errors.add(FieldError.required(required.asText(), null));
            }
        }
        return errors.list();
    }

    private static void check(JsonNode value, JsonNode schema, String path, Errors errors) {
        if (value.isNull()) {
            if (!schema.path("nullable").asBoolean(false)) {
                errors.add(FieldError.invalid(
                        path,
                        "null",
                        path + " in body must be of type " + schema.path("type").asText("object") + ": \"null\""));
            }
            return;
        }
        if (schema.path("x-kubernetes-int-or-string").asBoolean(false)) {
            if (!value.isIntegralNumber() && !value.isTextual()) {
                errors.add(FieldError.invalid(
                        path, value, path + " in body must be of type integer,string: \"" + typeOf(value) + "\""));
            }
            return;
        }
        String type = schema.path("type").asText("");
        if (!type.isEmpty() && !matches(type, value)) {
            errors.add(FieldError.invalid(
                    path, value, path + " in body must be of type " + type + ": \"" + typeOf(value) + "\""));
            return;
        }
        JsonNode allowed = schema.path("enum");
        if (allowed.isArray() && !allowed.isEmpty()) {
            boolean found = false;
            for (JsonNode a : allowed) {
                found |= a.equals(value);
            }
            if (!found) {
                String[] names = new String[allowed.size()];
                for (int i = 0; i < names.length; i++) {
                    names[i] = allowed.get(i).asText();
                }
                errors.add(FieldError.notSupported(path, value, names));
            }
        }
        if (value.isTextual()) {
            text(value, schema, path, errors);
        } else if (value.isNumber()) {
            number(value, schema, path, errors);
        } else if (value.isArray()) {
            if (schema.has("maxItems") && value.size() > schema.get("maxItems").asInt()) {
                errors.add(new FieldError(
                        path,
                        FieldError.Type.TOO_MANY,
                        null,
                        "must have at most " + schema.get("maxItems").asInt() + " items"));
            }
            if (schema.has("minItems") && value.size() < schema.get("minItems").asInt()) {
                errors.add(FieldError.invalid(
                        path,
                        value.size() + "",
                        path + " in body should have at least "
                                + schema.get("minItems").asInt() + " items"));
            }
            if (schema.has("items")) {
                for (int i = 0; i < value.size(); i++) {
                    check(value.get(i), schema.get("items"), path + "[" + i + "]", errors);
                }
            }
        } else if (value.isObject()) {
            for (JsonNode required : schema.path("required")) {
                if (!value.has(required.asText())) {
                    errors.add(FieldError.required(path + "." + required.asText(), null));
                }
            }
            Iterator<Map.Entry<String, JsonNode>> fields = value.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> f = fields.next();
                JsonNode property = schema.path("properties").path(f.getKey());
                if (property.isMissingNode()
                        && schema.path("additionalProperties").isObject()) {
                    property = schema.get("additionalProperties");
                }
                if (!property.isMissingNode()) {
                    check(f.getValue(), property, path + "." + f.getKey(), errors);
                }
            }
        }
    }

    private static void text(JsonNode value, JsonNode schema, String path, Errors errors) {
        String s = value.asText();
        int length = s.codePointCount(0, s.length());
        if (schema.has("maxLength") && length > schema.get("maxLength").asInt()) {
            errors.add(FieldError.tooLong(
                    path, "may not be more than " + schema.get("maxLength").asInt() + " bytes"));
        }
        if (schema.has("minLength") && length < schema.get("minLength").asInt()) {
            errors.add(FieldError.invalid(
                    path,
                    value,
                    path + " in body should be at least "
                            + schema.get("minLength").asInt() + " chars long"));
        }
        if (schema.has("pattern")) {
            try {
                if (!Pattern.compile(schema.get("pattern").asText()).matcher(s).find()) {
                    errors.add(FieldError.invalid(
                            path,
                            value,
                            path + " in body should match '"
                                    + schema.get("pattern").asText() + "'"));
                }
            } catch (PatternSyntaxException e) {
                // refused when the CRD was written
            }
        }
    }

    private static void number(JsonNode value, JsonNode schema, String path, Errors errors) {
        double v = value.asDouble();
        if (schema.has("minimum")) {
            double min = schema.get("minimum").asDouble();
            boolean exclusive = schema.path("exclusiveMinimum").asBoolean(false);
            if (exclusive ? v <= min : v < min) {
                errors.add(FieldError.invalid(
                        path,
                        value,
                        path + " in body should be greater than " + (exclusive ? "" : "or equal to ")
                                + schema.get("minimum")));
            }
        }
        if (schema.has("maximum")) {
            double max = schema.get("maximum").asDouble();
            boolean exclusive = schema.path("exclusiveMaximum").asBoolean(false);
            if (exclusive ? v >= max : v > max) {
                errors.add(FieldError.invalid(
                        path,
                        value,
                        path + " in body should be less than " + (exclusive ? "" : "or equal to ")
                                + schema.get("maximum")));
            }
        }
    }

    private static boolean matches(String type, JsonNode value) {
        return switch (type) {
            case "string" -> value.isTextual();
            case "integer" -> value.isIntegralNumber();
            case "number" -> value.isNumber();
            case "boolean" -> value.isBoolean();
            case "array" -> value.isArray();
            case "object" -> value.isObject();
            default -> true;
        };
    }

    private static String typeOf(JsonNode value) {
        return value.isTextual()
                ? "string"
                : value.isIntegralNumber()
                        ? "integer"
                        : value.isNumber()
                                ? "number"
                                : value.isBoolean()
                                        ? "boolean"
                                        : value.isArray() ? "array" : value.isObject() ? "object" : "null";
    }
}
