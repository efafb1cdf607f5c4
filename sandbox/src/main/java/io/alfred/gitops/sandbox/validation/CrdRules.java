package io.alfred.gitops.sandbox.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * CustomResourceDefinition validation (apiextensions-apiserver's validation): its name, group, names,
 * scope, and versions (one storage version, a schema for each, an object at the schema's root).
 */
final class CrdRules {
    private CrdRules() {}

    static void validate(JsonNode crd, Errors errors) {
        JsonNode spec = crd.path("spec");
        String group = spec.path("group").asText("");
        JsonNode names = spec.path("names");
        String plural = names.path("plural").asText("");
        String name = crd.path("metadata").path("name").asText("");
        if (!name.equals(plural + "." + group)) {
            errors.add(FieldError.invalid("metadata.name", name, "must be spec.names.plural+\".\"+spec.group"));
        }
        if (errors.required(spec, "group", "spec.group")) {
            if (!group.contains(".")) {
                errors.add(FieldError.invalid("spec.group", group, "should be a domain with at least one dot"));
            }
            errors.dnsSubdomain(TextNode.valueOf(group), "spec.group");
        }
        errors.oneOf(spec.path("scope"), "spec.scope", "Cluster", "Namespaced");
        if (!spec.has("scope")) {
            errors.add(FieldError.notSupported("spec.scope", TextNode.valueOf(""), "Cluster", "Namespaced"));
        }
        if (errors.required(names, "plural", "spec.names.plural")) {
            errors.dnsLabel(names.path("plural"), "spec.names.plural");
        }
        if (names.has("singular")) {
            errors.dnsLabel(names.path("singular"), "spec.names.singular");
        }
        errors.required(names, "kind", "spec.names.kind");
        JsonNode versions = spec.path("versions");
        if (versions.isEmpty()) {
            errors.add(FieldError.invalid(
                    "spec.versions", "null", "must have exactly one version marked as storage version"));
            return;
        }
        int storage = 0;
        for (int i = 0; i < versions.size(); i++) {
            JsonNode v = versions.get(i);
            String at = "spec.versions[" + i + "]";
            errors.required(v, "name", at + ".name");
            errors.dnsLabel(v.path("name"), at + ".name");
            storage += v.path("storage").asBoolean(false) ? 1 : 0;
            JsonNode schema = v.path("schema").path("openAPIV3Schema");
            if (!schema.isObject()) {
                errors.add(FieldError.required(at + ".schema.openAPIV3Schema", "schemas are required"));
            } else if (!"object".equals(schema.path("type").asText())
                    && !schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
                errors.add(FieldError.notSupported(
                        at + ".schema.openAPIV3Schema.type",
                        TextNode.valueOf(schema.path("type").asText("")),
                        "object"));
            }
        }
        errors.unique(versions, "name", "spec.versions");
        if (storage != 1) {
            errors.add(FieldError.invalid(
                    "spec.versions", versions.toString(), "must have exactly one version marked as storage version"));
        }
    }
}
