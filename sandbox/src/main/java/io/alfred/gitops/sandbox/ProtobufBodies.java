package io.alfred.gitops.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.kubernetes.client.proto.Runtime;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Request bodies in Kubernetes' protobuf encoding ({@code application/vnd.kubernetes.protobuf}),
 * which kubectl sends for built-in kinds on {@code create namespace|configmap|deployment|...},
 * decoded into the JSON the rest of the sandbox reads. The envelope ({@code k8s\0} then a
 * {@code runtime.Unknown}) and the messages are Kubernetes' own generated ones
 * ({@code io.kubernetes:client-java-proto}); this class only maps each message to its JSON form,
 * including the types whose JSON differs from their protobuf (Time, IntOrString, Quantity, ...).
 */
final class ProtobufBodies {
    private static final byte[] MAGIC = {0x6b, 0x38, 0x73, 0x00};
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private ProtobufBodies() {}

    static boolean isProtobuf(String contentType) {
        return contentType != null && contentType.startsWith("application/vnd.kubernetes.protobuf");
    }

    /** The object of a protobuf request body, as JSON. */
    static String toJson(byte[] body) {
        if (body.length < MAGIC.length || !Arrays.equals(Arrays.copyOf(body, MAGIC.length), MAGIC)) {
            throw ApiError.badRequest("the body is not a Kubernetes protobuf object (no k8s\\0 prefix)");
        }
        try {
            Runtime.Unknown unknown = Runtime.Unknown.parseFrom(Arrays.copyOfRange(body, MAGIC.length, body.length));
            String apiVersion = unknown.getTypeMeta().getApiVersion();
            String kind = unknown.getTypeMeta().getKind();
            Descriptor type = messageType(apiVersion, kind)
                    .orElseThrow(() -> ApiError.badRequest(
                            "the sandbox has no protobuf message for " + kind + " in " + apiVersion + "; send JSON"));
            ObjectNode object = toJson(DynamicMessage.parseFrom(type, unknown.getRaw()));
            object.put("apiVersion", apiVersion).put("kind", kind);
            return ObjectStore.write(object);
        } catch (InvalidProtocolBufferException e) {
            throw ApiError.badRequest("cannot decode the protobuf body: " + e.getMessage());
        }
    }

    /**
     * The generated message of a kind: {@code apps/v1} is in {@code V1Apps} (package
     * {@code k8s.io.api.apps.v1}), the core group's {@code v1} in {@code V1}.
     */
    static Optional<Descriptor> messageType(String apiVersion, String kind) {
        int slash = apiVersion.indexOf('/');
        String group = slash < 0 ? "" : apiVersion.substring(0, slash);
        String version = apiVersion.substring(slash + 1);
        String label = group.isEmpty() ? "" : group.split("\\.")[0];
        String outer = capitalized(version) + capitalized(label);
        try {
            FileDescriptor file = (FileDescriptor) Class.forName("io.kubernetes.client.proto." + outer)
                    .getMethod("getDescriptor")
                    .invoke(null);
            return Optional.ofNullable(file.findMessageTypeByName(kind));
        } catch (ReflectiveOperationException | LinkageError e) {
            return Optional.empty();
        }
    }

    private static String capitalized(String s) {
        return s.isEmpty() ? s : s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1);
    }

    private static ObjectNode toJson(Message message) {
        ObjectNode out = JSON.objectNode();
        for (Map.Entry<FieldDescriptor, Object> e : message.getAllFields().entrySet()) {
            FieldDescriptor field = e.getKey();
            if (!field.isRepeated() && goZeroValue(field, e.getValue())) {
                continue;
            }
            if (field.isMapField()) {
                ObjectNode map = out.putObject(field.getName());
                for (Object entry : (List<?>) e.getValue()) {
                    Message m = (Message) entry;
                    Descriptor d = m.getDescriptorForType();
                    map.set(
                            String.valueOf(m.getField(d.findFieldByName("key"))),
                            value(d.findFieldByName("value"), m.getField(d.findFieldByName("value"))));
                }
            } else if (field.isRepeated()) {
                ArrayNode array = out.putArray(field.getName());
                for (Object item : (List<?>) e.getValue()) {
                    array.add(value(field, item));
                }
            } else {
                out.set(field.getName(), value(field, e.getValue()));
            }
        }
        return out;
    }

    /**
     * Go's protobuf encoding writes every non-pointer field, zero or not, where its JSON encoding
     * leaves out the zero values of {@code omitempty} fields: a decoded {@code clusterIP: ""} would
     * stop the Service's IP from being allocated. The descriptor does not say which fields are
     * pointers (where zero is a value, as {@code replicas: 0}), so empty strings, {@code false}, the
     * zero Time and the zero of the non-pointer integers kubectl leaves unset are dropped, and
     * other zeros kept.
     */
    private static boolean goZeroValue(FieldDescriptor field, Object value) {
        return switch (field.getJavaType()) {
            case STRING -> ((String) value).isEmpty();
            case BOOLEAN -> !((Boolean) value);
            case INT, LONG -> ((Number) value).longValue() == 0 && ZERO_OMITTED.contains(field.getName());
            case MESSAGE -> {
                Message m = (Message) value;
                String type = m.getDescriptorForType().getFullName();
                yield type.endsWith("meta.v1.Time")
                                && (Long) m.getField(m.getDescriptorForType().findFieldByName("seconds")) == 0
                        || type.endsWith("intstr.IntOrString")
                                && m.getAllFields().values().stream()
                                        .allMatch(v -> v instanceof Number n && n.longValue() == 0 || "".equals(v));
            }
            default -> false;
        };
    }

    private static final Set<String> ZERO_OMITTED =
            Set.of("nodePort", "hostPort", "generation", "number", "observedGeneration", "minReadySeconds", "weight");

    private static JsonNode value(FieldDescriptor field, Object value) {
        switch (field.getJavaType()) {
            case MESSAGE:
                return message((Message) value);
            case BYTE_STRING:
                return JSON.textNode(Base64.getEncoder().encodeToString(((ByteString) value).toByteArray()));
            case INT:
                return JSON.numberNode((Integer) value);
            case LONG:
                return JSON.numberNode((Long) value);
            case BOOLEAN:
                return JSON.booleanNode((Boolean) value);
            case DOUBLE:
                return JSON.numberNode((Double) value);
            case FLOAT:
                return JSON.numberNode((Float) value);
            default:
                return JSON.textNode(String.valueOf(value));
        }
    }

    /** Messages whose JSON form is not an object of their fields. */
    private static JsonNode message(Message m) {
        Descriptor d = m.getDescriptorForType();
        switch (d.getFullName()) {
            case "k8s.io.apimachinery.pkg.apis.meta.v1.Time":
                return JSON.textNode(DateTimeFormatter.ISO_INSTANT.format(
                        Instant.ofEpochSecond((Long) m.getField(d.findFieldByName("seconds")))
                                .truncatedTo(ChronoUnit.SECONDS)));
            case "k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime":
                return JSON.textNode(DateTimeFormatter.ISO_INSTANT.format(
                        Instant.ofEpochSecond((Long) m.getField(d.findFieldByName("seconds")), (Integer)
                                        m.getField(d.findFieldByName("nanos")))
                                .truncatedTo(ChronoUnit.MICROS)));
            case "k8s.io.apimachinery.pkg.util.intstr.IntOrString":
                return ((Long) m.getField(d.findFieldByName("type"))) == 1L
                        ? JSON.textNode((String) m.getField(d.findFieldByName("strVal")))
                        : JSON.numberNode((Integer) m.getField(d.findFieldByName("intVal")));
            case "k8s.io.apimachinery.pkg.api.resource.Quantity":
                return JSON.textNode((String) m.getField(d.findFieldByName("string")));
            case "k8s.io.apimachinery.pkg.apis.meta.v1.Duration":
                return JSON.textNode((String) m.getField(d.findFieldByName("duration")));
            case "k8s.io.apimachinery.pkg.runtime.RawExtension":
            case "k8s.io.apimachinery.pkg.apis.meta.v1.FieldsV1":
                FieldDescriptor raw =
                        d.findFieldByName("raw") != null ? d.findFieldByName("raw") : d.findFieldByName("Raw");
                return rawJson((ByteString) m.getField(raw));
            default:
                return toJson(m);
        }
    }

    private static JsonNode rawJson(ByteString raw) {
        try {
            return raw.isEmpty() ? JSON.nullNode() : ObjectStore.JSON.readTree(raw.toByteArray());
        } catch (IOException e) {
            throw ApiError.badRequest("a raw field of the protobuf body is not JSON");
        }
    }
}
