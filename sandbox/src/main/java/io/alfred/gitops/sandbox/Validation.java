package io.alfred.gitops.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.alfred.gitops.sandbox.validation.BuiltInRules;
import io.alfred.gitops.sandbox.validation.CustomResourceSchema;
import io.alfred.gitops.sandbox.validation.FieldError;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The checks a real API server makes on a write, in its order: the decoder (400 for a value of the
 * wrong type, from the kind's schema), then validation (422 Invalid with every field error at once:
 * {@link BuiltInRules} for built-in kinds, the CRD's schema for custom resources, defaults filled in
 * first), then, on updates, the immutable fields.
 */
final class Validation {
    private final OpenApiDocuments openApi;

    Validation(OpenApiDocuments openApi) {
        this.openApi = openApi;
    }

    void validate(ResourceType type, ObjectNode object) {
        JsonNode metadata = object.path("metadata");
        String name = metadata.path("name").asText("");
        if (name.isEmpty()) {
            throw ApiError.invalid(type, "", "metadata.name", "Required value: name or generateName is required");
        }
        checkSecretData(type, object);
        Optional<JsonNode> crdSchema = openApi.crdSchemaOf(type);
        List<FieldError> errors = new ArrayList<>();
        if (crdSchema.isPresent()) {
            CustomResourceSchema.applyDefaults(object, crdSchema.get());
            errors.addAll(BuiltInRules.validate(type.group(), type.kind(), object)); // metadata
            errors.addAll(CustomResourceSchema.validate(object, crdSchema.get()));
        } else {
            openApi.schemaOf(type).ifPresent(schema -> DecodeCheck.check(type, object, schema));
            errors.addAll(BuiltInRules.validate(type.group(), type.kind(), object));
        }
        if (!errors.isEmpty()) {
            throw ApiError.invalid(type, name, errors);
        }
    }

    /** The decoder's base64 check of Secret data. */
    private static void checkSecretData(ResourceType type, JsonNode object) {
        if (!type.group().isEmpty() || !type.kind().equals("Secret")) {
            return;
        }
        Iterator<Map.Entry<String, JsonNode>> it = object.path("data").fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            try {
                Base64.getDecoder().decode(e.getValue().asText());
            } catch (IllegalArgumentException bad) {
                throw ApiError.badRequest("Secret in version \"v1\" cannot be handled as a Secret: illegal base64 data"
                        + " in data[" + e.getKey() + "]");
            }
        }
    }

    /** Fields that cannot change once the object exists. */
    static void checkImmutable(ResourceType type, JsonNode live, JsonNode next) {
        String name = live.path("metadata").path("name").asText();
        String kind = type.kind();
        if (type.group().equals("apps")
                && Set.of("Deployment", "ReplicaSet", "DaemonSet").contains(kind)) {
            immutable(type, name, live, next, "spec", "selector");
        }
        if (type.group().equals("apps") && kind.equals("StatefulSet")) {
            JsonNode a = live.path("spec").deepCopy();
            JsonNode b = next.path("spec").deepCopy();
            for (String mutable : new String[] {
                "replicas",
                "ordinals",
                "template",
                "updateStrategy",
                "persistentVolumeClaimRetentionPolicy",
                "minReadySeconds"
            }) {
                ((ObjectNode) a).remove(mutable);
                ((ObjectNode) b).remove(mutable);
            }
            if (!a.equals(b)) {
                throw ApiError.invalid(
                        type,
                        name,
                        "spec",
                        "Forbidden: updates to statefulset spec for fields other than "
                                + "'replicas', 'ordinals', 'template', 'updateStrategy', "
                                + "'persistentVolumeClaimRetentionPolicy' and "
                                + "'minReadySeconds' are forbidden");
            }
        }
        if (type.group().equals("batch") && kind.equals("Job")) {
            immutable(type, name, live, next, "spec", "selector");
            immutable(type, name, live, next, "spec", "template");
        }
        if (type.group().isEmpty() && kind.equals("Service")) {
            String before = live.path("spec").path("clusterIP").asText("");
            String after = next.path("spec").path("clusterIP").asText("");
            if (!before.isEmpty() && !after.isEmpty() && !before.equals(after)) {
                throw ApiError.invalid(
                        type, name, "spec.clusterIP", "Invalid value: \"" + after + "\": field is immutable");
            }
        }
        if (type.group().isEmpty()
                && (kind.equals("ConfigMap") || kind.equals("Secret"))
                && live.path("immutable").asBoolean(false)) {
            for (String field : new String[] {"data", "binaryData", "stringData"}) {
                if (!live.path(field).equals(next.path(field))) {
                    throw ApiError.invalid(type, name, field, "Forbidden: field is immutable when `immutable` is set");
                }
            }
        }
        if (type.group().isEmpty() && kind.equals("PersistentVolumeClaim")) {
            JsonNode a = live.path("spec").deepCopy();
            JsonNode b = next.path("spec").deepCopy();
            ((ObjectNode) a).remove("resources");
            ((ObjectNode) b).remove("resources");
            if (!a.equals(b)) {
                throw ApiError.invalid(
                        type,
                        name,
                        "spec",
                        "Forbidden: spec is immutable after creation except "
                                + "resources.requests and volumeAttributesClassName for bound claims");
            }
        }
    }

    private static void immutable(ResourceType type, String name, JsonNode live, JsonNode next, String... path) {
        JsonNode a = live;
        JsonNode b = next;
        for (String p : path) {
            a = a.path(p);
            b = b.path(p);
        }
        if (!a.isMissingNode() && !a.equals(b)) {
            throw ApiError.invalid(type, name, String.join(".", path), "Invalid value: " + b + ": field is immutable");
        }
    }
}
