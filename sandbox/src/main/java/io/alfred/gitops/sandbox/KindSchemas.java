package io.alfred.gitops.sandbox;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The OpenAPI schemas of the kinds the sandbox serves, generated from fabric8's Kubernetes model
 * (which is generated from Kubernetes' own OpenAPI documents) rather than written by hand, and for
 * custom resources taken from their CRD's {@code openAPIV3Schema}. One definition per model class
 * in {@code components.schemas}, with {@code $ref}s between them as in the real documents; the
 * kinds carry {@code x-kubernetes-group-version-kind}, which kubectl looks for. The model carries
 * no descriptions, so {@code kubectl explain} lists fields and types without them.
 */
final class KindSchemas {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final String MODEL = "io.fabric8.kubernetes.api.model";
    /** Classes of fabric8's core package that are apimachinery's meta/v1 types in Kubernetes. */
    private static final Set<String> META = Set.of(
            "ObjectMeta",
            "ListMeta",
            "LabelSelector",
            "LabelSelectorRequirement",
            "OwnerReference",
            "ManagedFieldsEntry",
            "Condition",
            "Status",
            "StatusDetails",
            "StatusCause",
            "FieldsV1",
            "DeleteOptions",
            "Preconditions");

    private final KubernetesSerialization serialization = new KubernetesSerialization();
    private final ObjectMapper mapper = new ObjectMapper();

    /** The fabric8 model class of a built-in kind, if fabric8 has one. */
    Optional<Class<?>> modelClass(ResourceType type) {
        try {
            Class<?> model = serialization.getRegisteredKubernetesResource(type.groupVersion(), type.kind());
            return model != null && model.getName().startsWith(MODEL) ? Optional.of(model) : Optional.empty();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The definition name of a model class, in Kubernetes' style: {@code io.k8s.api.apps.v1.Deployment}. */
    static String definitionName(Class<?> model) {
        String pkg = model.getPackageName();
        String rest = pkg.length() > MODEL.length() ? pkg.substring(MODEL.length() + 1) : "";
        if (rest.isEmpty()) {
            return (META.contains(model.getSimpleName())
                            ? "io.k8s.apimachinery.pkg.apis.meta.v1."
                            : "io.k8s.api.core.v1.")
                    + model.getSimpleName();
        }
        if (rest.startsWith("apiextensions")) {
            return "io.k8s.apiextensions-apiserver.pkg.apis." + rest + "." + model.getSimpleName();
        }
        return "io.k8s.api." + rest + "." + model.getSimpleName();
    }

    /**
     * Adds the definitions reachable from {@code model} to {@code schemas} (name to schema) and
     * returns the name of {@code model}'s own.
     */
    String addDefinitions(Class<?> model, Map<String, ObjectNode> schemas) {
        String name = definitionName(model);
        if (schemas.containsKey(name)) {
            return name;
        }
        ObjectNode schema = JSON.objectNode().put("type", "object");
        schemas.put(name, schema);
        ObjectNode properties = schema.putObject("properties");
        JavaType type = mapper.constructType(model);
        BeanDescription bean = mapper.getDeserializationConfig().introspect(type);
        for (BeanPropertyDefinition p : bean.findProperties()) {
            if (p.getName().isEmpty() || p.getName().equals("additionalProperties")) {
                continue;
            }
            JsonNode property = schemaOf(p.getPrimaryType(), schemas);
            String mergeKey = StrategicMergePatch.mergeKey(p.getName(), parentField(model));
            if (mergeKey != null
                    && property instanceof ObjectNode list
                    && "array".equals(list.path("type").asText())) {
                list.put("x-kubernetes-patch-strategy", "merge");
                if (!mergeKey.isEmpty()) {
                    list.put("x-kubernetes-patch-merge-key", mergeKey);
                }
            }
            properties.set(p.getName(), property);
        }
        return name;
    }

    /**
     * The field a model class is the value of, as the strategic-merge-patch keys need it: a Container's ports are not
     * a Service's.
     */
    private static String parentField(Class<?> model) {
        return switch (model.getSimpleName()) {
            case "Container", "EphemeralContainer" -> "containers";
            case "ServiceSpec" -> "spec";
            default -> "";
        };
    }

    private JsonNode schemaOf(JavaType t, Map<String, ObjectNode> schemas) {
        Class<?> raw = t.getRawClass();
        if (raw == String.class || raw.isEnum()) {
            return JSON.objectNode().put("type", "string");
        }
        if (raw == Integer.class || raw == int.class || raw == Short.class) {
            return JSON.objectNode().put("type", "integer").put("format", "int32");
        }
        if (raw == Long.class || raw == long.class) {
            return JSON.objectNode().put("type", "integer").put("format", "int64");
        }
        if (raw == Boolean.class || raw == boolean.class) {
            return JSON.objectNode().put("type", "boolean");
        }
        if (raw == Double.class || raw == Float.class || raw == double.class) {
            return JSON.objectNode().put("type", "number").put("format", "double");
        }
        if (raw == IntOrString.class) {
            return JSON.objectNode().put("x-kubernetes-int-or-string", true);
        }
        if (raw == Quantity.class) {
            return JSON.objectNode().put("x-kubernetes-int-or-string", true).put("format", "quantity");
        }
        if (raw == MicroTime.class || raw.getSimpleName().equals("Time")) {
            return JSON.objectNode().put("type", "string").put("format", "date-time");
        }
        if (t.isCollectionLikeType() || t.isArrayType() || Collection.class.isAssignableFrom(raw)) {
            ObjectNode array = JSON.objectNode().put("type", "array");
            array.set("items", schemaOf(t.getContentType(), schemas));
            return array;
        }
        if (t.isMapLikeType()) {
            ObjectNode map = JSON.objectNode().put("type", "object");
            JavaType value = t.getContentType();
            if (value.getRawClass() == Object.class) {
                return map.put("x-kubernetes-preserve-unknown-fields", true);
            }
            map.set("additionalProperties", schemaOf(value, schemas));
            return map;
        }
        if (raw.getName().startsWith(MODEL) && !raw.isInterface()) {
            if (raw.getSimpleName().equals("JSONSchemaProps")
                    || raw.getSimpleName().equals("RawExtension")
                    || raw.getSimpleName().equals("FieldsV1")
                    || raw.getSimpleName().equals("JSON")) {
                return JSON.objectNode().put("type", "object").put("x-kubernetes-preserve-unknown-fields", true);
            }
            return JSON.objectNode().put("$ref", "#/components/schemas/" + addDefinitions(raw, schemas));
        }
        return JSON.objectNode().put("x-kubernetes-preserve-unknown-fields", true);
    }

    /** The schemas of one group-version's kinds (built-in from the model, custom from the CRD). */
    Map<String, ObjectNode> forGroupVersion(Collection<ResourceType> types, Map<ResourceType, JsonNode> crdSchemas) {
        Map<String, ObjectNode> schemas = new LinkedHashMap<>();
        for (ResourceType type : types) {
            JsonNode crd = crdSchemas.get(type);
            String name;
            if (crd != null) {
                name = customName(type);
                ObjectNode schema = crd.deepCopy();
                ObjectNode properties = schema.with("properties");
                properties.set("apiVersion", JSON.objectNode().put("type", "string"));
                properties.set("kind", JSON.objectNode().put("type", "string"));
                properties.set(
                        "metadata",
                        JSON.objectNode()
                                .put("$ref", "#/components/schemas/" + addDefinitions(ObjectMeta.class, schemas)));
                schemas.put(name, schema);
            } else {
                Optional<Class<?>> model = modelClass(type);
                if (model.isEmpty()) {
                    continue;
                }
                name = addDefinitions(model.get(), schemas);
            }
            schemas.get(name)
                    .putArray("x-kubernetes-group-version-kind")
                    .addObject()
                    .put("group", type.group())
                    .put("kind", type.kind())
                    .put("version", type.version());
        }
        return schemas;
    }

    static String customName(ResourceType type) {
        String[] labels = type.group().split("\\.");
        StringBuilder reversed = new StringBuilder();
        for (int i = labels.length - 1; i >= 0; i--) {
            reversed.append(labels[i]).append('.');
        }
        return reversed + type.version() + "." + type.kind();
    }
}
