package io.alfred.gitops.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One rendered object, ready to apply.
 *
 * @param ref its identity
 * @param body the object as the API server will receive it
 * @param origin where it came from, for error messages (file and line, or Kustomize output document)
 */
public record Manifest(ObjectRef ref, ObjectNode body, String origin) {

    public static final String SUBSTITUTE_ANNOTATION = "gitops.alfred.io/substitute";

    public String annotation(String name) {
        JsonNode value = body.path("metadata").path("annotations").path(name);
        return value.isTextual() ? value.asText() : null;
    }

    public boolean isSecret() {
        return ref.group().isEmpty() && "Secret".equals(ref.kind());
    }

    /**
     * This manifest, or for a Secret a copy whose {@code data} and {@code stringData} values are replaced by their
     * size.
     */
    public Manifest withSecretValuesHidden() {
        if (!isSecret()) {
            return this;
        }
        ObjectNode copy = body.deepCopy();
        for (String field : new String[] {"data", "stringData"}) {
            if (copy.get(field) instanceof ObjectNode values) {
                values.fieldNames()
                        .forEachRemaining(key -> values.put(
                                key, "<hidden: " + values.get(key).asText().length() + " characters>"));
            }
        }
        return new Manifest(ref, copy, origin);
    }
}
