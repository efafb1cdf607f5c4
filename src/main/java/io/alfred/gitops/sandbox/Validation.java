package io.alfred.gitops.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** The checks a real API server makes that the daemon must cope with, with its messages. */
final class Validation {
    private static final String DNS_LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
    private static final Pattern DNS_1123_LABEL = Pattern.compile(DNS_LABEL);
    private static final Pattern DNS_1123_SUBDOMAIN = Pattern.compile(DNS_LABEL + "(\\." + DNS_LABEL + ")*");
    private static final Pattern LABEL_VALUE = Pattern.compile("(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?");
    private static final Pattern QUALIFIED_NAME = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
    private static final Pattern CONFIG_KEY = Pattern.compile("[-._a-zA-Z0-9]+");
    private static final long TOTAL_ANNOTATION_SIZE = 256 * 1024;
    private static final Set<String> LABEL_NAMED = Set.of("Namespace", "Service");
    private static final Set<String> PATH_SEGMENT_NAMED = Set.of("Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding");
    private static final Set<String> POD_TEMPLATE_OWNERS = Set.of("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet");

    private Validation() {
    }

    static void validate(ResourceType type, JsonNode object) {
        JsonNode metadata = object.path("metadata");
        String name = metadata.path("name").asText("");
        if (name.isEmpty()) {
            throw ApiError.invalid(type, "", "metadata.name", "Required value: name or generateName is required");
        }
        checkDecodable(type, object);
        checkName(type, name);
        checkLabels(type, name, metadata.path("labels"), "metadata.labels");
        checkAnnotations(type, name, metadata.path("annotations"));
        if (POD_TEMPLATE_OWNERS.contains(type.kind()) && type.group().equals("apps")) {
            checkSelector(type, name, object.path("spec"));
            checkReplicas(type, name, object.path("spec").path("replicas"));
        }
        if (type.group().isEmpty() && (type.kind().equals("ConfigMap") || type.kind().equals("Secret"))) {
            checkDataKeys(type, name, object);
        }
        if (type.group().isEmpty() && type.kind().equals("Service")) {
            checkServicePorts(type, name, object.path("spec").path("ports"));
        }
    }

    /**
     * What the API server's decoder refuses before validation runs (400 BadRequest): a value of the
     * wrong JSON type for a typed Go field, and Secret data that is not base64.
     */
    private static void checkDecodable(ResourceType type, JsonNode object) {
        stringMap(object.path("metadata").path("labels"), "ObjectMeta.metadata.labels");
        stringMap(object.path("metadata").path("annotations"), "ObjectMeta.metadata.annotations");
        if (type.group().isEmpty() && type.kind().equals("ConfigMap")) {
            stringMap(object.path("data"), "ConfigMap.data");
        }
        if (type.group().isEmpty() && type.kind().equals("Secret")) {
            stringMap(object.path("stringData"), "Secret.stringData");
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
        JsonNode replicas = object.path("spec").path("replicas");
        if (POD_TEMPLATE_OWNERS.contains(type.kind()) && !replicas.isMissingNode() && !replicas.isNull()
                && !replicas.isIntegralNumber()) {
            throw ApiError.badRequest("json: cannot unmarshal " + jsonType(replicas) + " into Go struct field "
                    + type.kind() + "Spec.spec.replicas of type int32");
        }
    }

    private static void stringMap(JsonNode map, String goField) {
        map.fields().forEachRemaining(e -> {
            if (!e.getValue().isTextual()) {
                throw ApiError.badRequest("json: cannot unmarshal " + jsonType(e.getValue()) + " into Go struct field "
                        + goField + " of type string");
            }
        });
    }

    private static String jsonType(JsonNode value) {
        return value.isNumber() ? "number" : value.isBoolean() ? "bool" : value.isObject() ? "object"
                : value.isArray() ? "array" : "string";
    }

    private static void checkReplicas(ResourceType type, String name, JsonNode replicas) {
        if (replicas.isIntegralNumber() && replicas.asLong() < 0) {
            throw ApiError.invalid(type, name, "spec.replicas", "Invalid value: " + replicas.asLong()
                    + ": must be greater than or equal to 0");
        }
    }

    /** ValidateConfigMap / ValidateSecret: every key is a valid config key. */
    private static void checkDataKeys(ResourceType type, String name, JsonNode object) {
        for (String field : new String[] {"data", "binaryData", "stringData"}) {
            object.path(field).fieldNames().forEachRemaining(key -> {
                if (key.length() > 253 || !CONFIG_KEY.matcher(key).matches()) {
                    throw ApiError.invalid(type, name, field + "[" + key + "]", "Invalid value: \"" + key + "\": a valid"
                            + " config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or"
                            + " 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')");
                }
            });
        }
    }

    private static void checkServicePorts(ResourceType type, String name, JsonNode ports) {
        for (int i = 0; i < ports.size(); i++) {
            JsonNode port = ports.get(i).path("port");
            if (!port.isIntegralNumber() || port.asLong() < 1 || port.asLong() > 65535) {
                throw ApiError.invalid(type, name, "spec.ports[" + i + "].port", "Invalid value: " + port
                        + ": must be between 1 and 65535, inclusive");
            }
        }
    }

    private static void checkName(ResourceType type, String name) {
        if (PATH_SEGMENT_NAMED.contains(type.kind())) {
            if (name.equals(".") || name.equals("..") || name.contains("/") || name.contains("%")) {
                throw ApiError.invalid(type, name, "metadata.name", "Invalid value: \"" + name
                        + "\": may not be '.' or '..' and may not contain '/' or '%'");
            }
        } else if (LABEL_NAMED.contains(type.kind()) && type.group().isEmpty()) {
            if (name.length() > 63 || !DNS_1123_LABEL.matcher(name).matches()) {
                throw ApiError.invalid(type, name, "metadata.name", "Invalid value: \"" + name + "\": a lowercase RFC 1123 "
                        + "label must consist of lower case alphanumeric characters or '-', and must start and end with an "
                        + "alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '"
                        + DNS_LABEL + "')");
            }
        } else if (name.length() > 253) {
            throw ApiError.invalid(type, name, "metadata.name", "Invalid value: \"" + name
                    + "\": must be no more than 253 characters");
        } else if (!DNS_1123_SUBDOMAIN.matcher(name).matches()) {
            throw ApiError.invalid(type, name, "metadata.name", "Invalid value: \"" + name + "\": a lowercase RFC 1123 "
                    + "subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with "
                    + "an alphanumeric character (e.g. 'example.com', regex used for validation is '" + DNS_LABEL + "(\\."
                    + DNS_LABEL + ")*')");
        }
    }

    static void checkLabels(ResourceType type, String name, JsonNode labels, String field) {
        Iterator<Map.Entry<String, JsonNode>> it = labels.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            checkQualifiedKey(type, name, e.getKey(), field);
            String value = e.getValue().asText();
            if (value.length() > 63) {
                throw ApiError.invalid(type, name, field, "Invalid value: \"" + value + "\": must be no more than 63 characters");
            }
            if (!LABEL_VALUE.matcher(value).matches()) {
                throw ApiError.invalid(type, name, field, "Invalid value: \"" + value + "\": a valid label must be an empty "
                        + "string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
                        + "alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation "
                        + "is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')");
            }
        }
    }

    /** ValidateAnnotations: qualified keys, and keys plus values at most 256 KiB in all. */
    private static void checkAnnotations(ResourceType type, String name, JsonNode annotations) {
        long total = 0;
        Iterator<Map.Entry<String, JsonNode>> it = annotations.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            checkQualifiedKey(type, name, e.getKey(), "metadata.annotations");
            total += e.getKey().length() + e.getValue().asText().length();
        }
        if (total > TOTAL_ANNOTATION_SIZE) {
            throw ApiError.invalid(type, name, "metadata.annotations", "Too long: must have at most "
                    + TOTAL_ANNOTATION_SIZE + " bytes");
        }
    }

    private static void checkQualifiedKey(ResourceType type, String name, String key, String field) {
        int slash = key.lastIndexOf('/');
        String prefix = slash < 0 ? null : key.substring(0, slash);
        String local = slash < 0 ? key : key.substring(slash + 1);
        boolean ok = local.length() <= 63 && QUALIFIED_NAME.matcher(local).matches()
                && (prefix == null || prefix.length() <= 253 && DNS_1123_SUBDOMAIN.matcher(prefix).matches());
        if (!ok) {
            throw ApiError.invalid(type, name, field, "Invalid value: \"" + key + "\": name part must consist of "
                    + "alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character "
                    + "(e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
                    + "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/'");
        }
    }

    private static void checkSelector(ResourceType type, String name, JsonNode spec) {
        JsonNode selector = spec.path("selector");
        if (!selector.isObject() || selector.isEmpty()) {
            throw ApiError.invalid(type, name, "spec.selector", "Required value");
        }
        JsonNode templateLabels = spec.path("template").path("metadata").path("labels");
        checkLabels(type, name, templateLabels, "spec.template.metadata.labels");
        Iterator<Map.Entry<String, JsonNode>> it = selector.path("matchLabels").fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().equals(templateLabels.path(e.getKey()))) {
                throw ApiError.invalid(type, name, "spec.template.metadata.labels", "Invalid value: "
                        + templateLabels + ": `selector` does not match template `labels`");
            }
        }
    }

    /** Fields that cannot change once the object exists. */
    static void checkImmutable(ResourceType type, JsonNode live, JsonNode next) {
        String name = live.path("metadata").path("name").asText();
        String kind = type.kind();
        if (type.group().equals("apps") && Set.of("Deployment", "ReplicaSet", "DaemonSet").contains(kind)) {
            immutable(type, name, live, next, "spec", "selector");
        }
        if (type.group().equals("apps") && kind.equals("StatefulSet")) {
            JsonNode a = live.path("spec").deepCopy();
            JsonNode b = next.path("spec").deepCopy();
            for (String mutable : new String[] {"replicas", "ordinals", "template", "updateStrategy",
                "persistentVolumeClaimRetentionPolicy", "minReadySeconds"}) {
                ((ObjectNode) a).remove(mutable);
                ((ObjectNode) b).remove(mutable);
            }
            if (!a.equals(b)) {
                throw ApiError.invalid(type, name, "spec", "Forbidden: updates to statefulset spec for fields other than "
                        + "'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and "
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
                throw ApiError.invalid(type, name, "spec.clusterIP", "Invalid value: \"" + after + "\": field is immutable");
            }
        }
        if (type.group().isEmpty() && (kind.equals("ConfigMap") || kind.equals("Secret"))
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
                throw ApiError.invalid(type, name, "spec", "Forbidden: spec is immutable after creation except "
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
