package io.alfred.gitops.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Server-side printing: what a real API server answers when kubectl asks for
 * {@code application/json;as=Table;v=v1;g=meta.k8s.io}: the columns of the API server's printers
 * for the built-in kinds the example uses (Deployments READY, UP-TO-DATE, AVAILABLE; Events LAST
 * SEEN, TYPE, REASON, OBJECT, MESSAGE; ...), {@code -o wide} columns at priority 1, and NAME and AGE
 * for other kinds, as a real server prints a kind it has no printer for.
 */
final class Tables {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private record Column(String name, String type, String format, int priority, Function<JsonNode, Object> cell) {}

    private Tables() {}

    /**
     * A waiting or terminated container's reason (CrashLoopBackOff, ...) before the pod's phase, as the pod printer
     * shows it.
     */
    private static String podStatus(JsonNode pod) {
        for (JsonNode c : pod.path("status").path("containerStatuses")) {
            String waiting = c.path("state").path("waiting").path("reason").asText("");
            if (!waiting.isEmpty()) {
                return waiting;
            }
        }
        return pod.path("status")
                .path("reason")
                .asText(pod.path("status").path("phase").asText("Pending"));
    }

    static boolean wanted(String accept) {
        return accept != null && accept.contains("as=Table");
    }

    /** @param objects a list's items, or the one object of a GET */
    static ObjectNode of(ResourceType type, List<JsonNode> objects, String resourceVersion, Instant now) {
        List<Column> columns = columns(type, now);
        ObjectNode table = JSON.objectNode().put("kind", "Table").put("apiVersion", "meta.k8s.io/v1");
        table.putObject("metadata").put("resourceVersion", resourceVersion);
        ArrayNode definitions = table.putArray("columnDefinitions");
        for (Column c : columns) {
            definitions
                    .addObject()
                    .put("name", c.name())
                    .put("type", c.type())
                    .put("format", c.format())
                    .put("description", c.name())
                    .put("priority", c.priority());
        }
        ArrayNode rows = table.putArray("rows");
        for (JsonNode object : objects) {
            ObjectNode row = rows.addObject();
            ArrayNode cells = row.putArray("cells");
            for (Column c : columns) {
                Object value = c.cell().apply(object);
                if (value instanceof Integer i) {
                    cells.add(i);
                } else {
                    cells.add(String.valueOf(value));
                }
            }
            ObjectNode partial =
                    row.putObject("object").put("kind", "PartialObjectMetadata").put("apiVersion", "meta.k8s.io/v1");
            partial.set("metadata", object.path("metadata").deepCopy());
        }
        return table;
    }

    private static List<Column> columns(ResourceType type, Instant now) {
        Column name = new Column(
                "Name",
                "string",
                "name",
                0,
                o -> o.path("metadata").path("name").asText());
        Column age = new Column(
                "Age",
                "string",
                "",
                0,
                o -> age(o.path("metadata").path("creationTimestamp").asText(), now));
        if (type.kind().equals("Event")) {
            boolean core = type.group().isEmpty();
            String regarding = core ? "involvedObject" : "regarding";
            return List.of(
                    new Column("Last Seen", "string", "", 0, o -> age(lastSeen(o), now)),
                    new Column("Type", "string", "", 0, o -> o.path("type").asText()),
                    new Column("Reason", "string", "", 0, o -> o.path("reason").asText()),
                    new Column(
                            "Object",
                            "string",
                            "",
                            0,
                            o -> o.path(regarding).path("kind").asText().toLowerCase(Locale.ROOT) + "/"
                                    + o.path(regarding).path("name").asText()),
                    new Column(
                            "Source",
                            "string",
                            "",
                            1,
                            o -> core
                                    ? o.path("source").path("component").asText()
                                    : o.path("reportingController").asText()),
                    new Column(
                            "Message",
                            "string",
                            "",
                            0,
                            o -> o.path(core ? "message" : "note").asText()),
                    new Column(
                            "First Seen",
                            "string",
                            "",
                            1,
                            o -> age(o.path("eventTime").asText(), now)),
                    new Column(
                            "Count",
                            "integer",
                            "",
                            1,
                            o -> o.path("series").path("count").asInt(1)),
                    new Column(
                            "Name",
                            "string",
                            "name",
                            1,
                            o -> o.path("metadata").path("name").asText()));
        }
        return switch (type.group() + "/" + type.kind()) {
            case "apps/Deployment" ->
                List.of(
                        name,
                        col(
                                "Ready",
                                o -> o.path("status").path("readyReplicas").asInt(0) + "/"
                                        + o.path("spec").path("replicas").asInt(1)),
                        col(
                                "Up-to-date",
                                o -> o.path("status").path("updatedReplicas").asInt(0)),
                        col(
                                "Available",
                                o -> o.path("status").path("availableReplicas").asInt(0)),
                        age,
                        wide("Containers", o -> containers(o, "name")),
                        wide("Images", o -> containers(o, "image")),
                        wide(
                                "Selector",
                                o -> selector(o.path("spec").path("selector").path("matchLabels"))));
            case "apps/StatefulSet" ->
                List.of(
                        name,
                        col(
                                "Ready",
                                o -> o.path("status").path("readyReplicas").asInt(0) + "/"
                                        + o.path("spec").path("replicas").asInt(1)),
                        age,
                        wide("Containers", o -> containers(o, "name")),
                        wide("Images", o -> containers(o, "image")));
            case "apps/DaemonSet" ->
                List.of(
                        name,
                        col(
                                "Desired",
                                o -> o.path("status")
                                        .path("desiredNumberScheduled")
                                        .asInt(0)),
                        col(
                                "Current",
                                o -> o.path("status")
                                        .path("currentNumberScheduled")
                                        .asInt(0)),
                        col("Ready", o -> o.path("status").path("numberReady").asInt(0)),
                        col(
                                "Up-to-date",
                                o -> o.path("status")
                                        .path("updatedNumberScheduled")
                                        .asInt(0)),
                        col(
                                "Available",
                                o -> o.path("status").path("numberAvailable").asInt(0)),
                        col(
                                "Node Selector",
                                o -> orNone(selector(o.path("spec")
                                        .path("template")
                                        .path("spec")
                                        .path("nodeSelector")))),
                        age);
            case "apps/ReplicaSet" ->
                List.of(
                        name,
                        col("Desired", o -> o.path("spec").path("replicas").asInt(1)),
                        col("Current", o -> o.path("status").path("replicas").asInt(0)),
                        col("Ready", o -> o.path("status").path("readyReplicas").asInt(0)),
                        age);
            case "/Pod" ->
                List.of(
                        name,
                        col("Ready", Tables::podReady),
                        col("Status", Tables::podStatus),
                        col("Restarts", Tables::restarts),
                        age,
                        wide("IP", o -> orNone(o.path("status").path("podIP").asText(""))),
                        wide("Node", o -> orNone(o.path("spec").path("nodeName").asText(""))));
            case "/Service" ->
                List.of(
                        name,
                        col("Type", o -> o.path("spec").path("type").asText("ClusterIP")),
                        col(
                                "Cluster-IP",
                                o -> orNone(o.path("spec").path("clusterIP").asText(""))),
                        col("External-IP", o -> orNone(externalIps(o))),
                        col("Port(s)", Tables::ports),
                        age,
                        wide("Selector", o -> orNone(selector(o.path("spec").path("selector")))));
            case "/ConfigMap" ->
                List.of(
                        name,
                        col(
                                "Data",
                                o -> o.path("data").size()
                                        + o.path("binaryData").size()),
                        age);
            case "/Secret" ->
                List.of(
                        name,
                        col("Type", o -> o.path("type").asText("Opaque")),
                        col("Data", o -> o.path("data").size()),
                        age);
            case "/Namespace" ->
                List.of(name, col("Status", o -> o.path("status").path("phase").asText("Active")), age);
            case "/PersistentVolumeClaim" ->
                List.of(
                        name,
                        col("Status", o -> o.path("status").path("phase").asText("Pending")),
                        col("Volume", o -> o.path("spec").path("volumeName").asText("")),
                        col(
                                "Capacity",
                                o -> o.path("status")
                                        .path("capacity")
                                        .path("storage")
                                        .asText("")),
                        col("Access Modes", o -> accessModes(o.path("status").path("accessModes"))),
                        col(
                                "StorageClass",
                                o -> o.path("spec").path("storageClassName").asText("<unset>")),
                        age);
            case "policy/PodDisruptionBudget" ->
                List.of(
                        name,
                        col(
                                "Min Available",
                                o -> orNa(o.path("spec").path("minAvailable").asText(""))),
                        col(
                                "Max Unavailable",
                                o -> orNa(o.path("spec").path("maxUnavailable").asText(""))),
                        col(
                                "Allowed Disruptions",
                                o -> o.path("status").path("disruptionsAllowed").asInt(0)),
                        age);
            case "autoscaling/HorizontalPodAutoscaler" ->
                List.of(
                        name,
                        col(
                                "Reference",
                                o -> o.path("spec")
                                                .path("scaleTargetRef")
                                                .path("kind")
                                                .asText() + "/"
                                        + o.path("spec")
                                                .path("scaleTargetRef")
                                                .path("name")
                                                .asText()),
                        col("Targets", o -> "<unknown>"),
                        col("MinPods", o -> o.path("spec").path("minReplicas").asInt(1)),
                        col("MaxPods", o -> o.path("spec").path("maxReplicas").asInt(0)),
                        col(
                                "Replicas",
                                o -> o.path("status").path("currentReplicas").asInt(0)),
                        age);
            case "networking.k8s.io/Ingress" ->
                List.of(
                        name,
                        col(
                                "Class",
                                o -> o.path("spec").path("ingressClassName").asText("<none>")),
                        col("Hosts", Tables::hosts),
                        col("Address", o -> ""),
                        col("Ports", o -> o.path("spec").path("tls").isEmpty() ? "80" : "80, 443"),
                        age);
            case "batch/Job" ->
                List.of(
                        name,
                        col("Status", Tables::jobStatus),
                        col(
                                "Completions",
                                o -> o.path("status").path("succeeded").asInt(0) + "/"
                                        + o.path("spec").path("completions").asInt(1)),
                        age);
            default -> type.printerColumns().isEmpty() ? List.of(name, age) : printerColumns(type, name, now);
        };
    }

    /**
     * A custom resource's columns from its CRD's {@code additionalPrinterColumns}: NAME, then each
     * column (a {@code date} shown as an age), as the API server's CRD printer does.
     */
    private static List<Column> printerColumns(ResourceType type, Column name, Instant now) {
        List<Column> columns = new ArrayList<>();
        columns.add(name);
        for (ResourceType.PrinterColumn c : type.printerColumns()) {
            Function<JsonNode, Object> cell = o -> {
                JsonNode v = SimpleJsonPath.read(o, c.jsonPath());
                if (v.isMissingNode() || v.isNull()) {
                    return "<none>";
                }
                if (c.type().equals("date")) {
                    return age(v.asText(), now);
                }
                return c.type().equals("integer") && v.canConvertToInt()
                        ? (Object) v.asInt()
                        : v.isValueNode() ? v.asText() : v.toString();
            };
            columns.add(new Column(c.name(), c.type().equals("date") ? "string" : c.type(), "", c.priority(), cell));
        }
        return columns;
    }

    private static Column col(String name, Function<JsonNode, Object> cell) {
        return new Column(name, "string", "", 0, cell);
    }

    /** A column that {@code -o wide} shows (priority 1). */
    private static Column wide(String name, Function<JsonNode, Object> cell) {
        return new Column(name, "string", "", 1, cell);
    }

    private static String containers(JsonNode workload, String field) {
        List<String> out = new ArrayList<>();
        workload.path("spec")
                .path("template")
                .path("spec")
                .path("containers")
                .forEach(c -> out.add(c.path(field).asText()));
        return String.join(",", out);
    }

    private static String selector(JsonNode labels) {
        List<String> out = new ArrayList<>();
        labels.fields()
                .forEachRemaining(e -> out.add(e.getKey() + "=" + e.getValue().asText()));
        return String.join(",", out);
    }

    private static String podReady(JsonNode pod) {
        int total = pod.path("spec").path("containers").size();
        int ready = 0;
        for (JsonNode s : pod.path("status").path("containerStatuses")) {
            ready += s.path("ready").asBoolean(false) ? 1 : 0;
        }
        return ready + "/" + total;
    }

    private static int restarts(JsonNode pod) {
        int n = 0;
        for (JsonNode s : pod.path("status").path("containerStatuses")) {
            n += s.path("restartCount").asInt(0);
        }
        return n;
    }

    private static String externalIps(JsonNode service) {
        List<String> out = new ArrayList<>();
        service.path("status")
                .path("loadBalancer")
                .path("ingress")
                .forEach(i -> out.add(i.path("ip").asText(i.path("hostname").asText())));
        service.path("spec").path("externalIPs").forEach(i -> out.add(i.asText()));
        if (out.isEmpty()
                && "LoadBalancer".equals(service.path("spec").path("type").asText())) {
            return "<pending>";
        }
        return String.join(",", out);
    }

    private static String ports(JsonNode service) {
        List<String> out = new ArrayList<>();
        for (JsonNode p : service.path("spec").path("ports")) {
            String nodePort = p.has("nodePort") ? ":" + p.path("nodePort").asInt() : "";
            out.add(p.path("port").asInt() + nodePort + "/" + p.path("protocol").asText("TCP"));
        }
        return out.isEmpty() ? "<none>" : String.join(",", out);
    }

    private static String hosts(JsonNode ingress) {
        List<String> out = new ArrayList<>();
        ingress.path("spec").path("rules").forEach(r -> out.add(r.path("host").asText("*")));
        return out.isEmpty() ? "*" : String.join(",", out);
    }

    private static String accessModes(JsonNode modes) {
        List<String> out = new ArrayList<>();
        modes.forEach(m -> out.add(
                switch (m.asText()) {
                    case "ReadWriteOnce" -> "RWO";
                    case "ReadOnlyMany" -> "ROX";
                    case "ReadWriteMany" -> "RWX";
                    case "ReadWriteOncePod" -> "RWOP";
                    default -> m.asText();
                }));
        return String.join(",", out);
    }

    private static String jobStatus(JsonNode job) {
        for (JsonNode c : job.path("status").path("conditions")) {
            if ("True".equals(c.path("status").asText())
                    && List.of("Complete", "Failed", "Suspended")
                            .contains(c.path("type").asText())) {
                return c.path("type").asText();
            }
        }
        return "Running";
    }

    private static String orNone(String value) {
        return value.isEmpty() ? "<none>" : value;
    }

    private static String orNa(String value) {
        return value.isEmpty() ? "N/A" : value;
    }

    private static String lastSeen(JsonNode event) {
        String last = event.path("series").path("lastObservedTime").asText("");
        if (last.isEmpty()) {
            last = event.path("lastTimestamp").asText("");
        }
        return last.isEmpty() ? event.path("eventTime").asText("") : last;
    }

    /** As kubectl writes ages: 7s, 4m12s, 3h, 2d. */
    static String age(String timestamp, Instant now) {
        Instant then;
        try {
            then = Instant.parse(timestamp);
        } catch (DateTimeParseException e) {
            return "<unknown>";
        }
        long s = Math.max(0, Duration.between(then, now).toSeconds());
        if (s < 120) {
            return s + "s";
        }
        if (s < 600) {
            return s / 60 + "m" + (s % 60 == 0 ? "" : s % 60 + "s");
        }
        if (s < 3 * 3600) {
            return s / 60 + "m";
        }
        if (s < 48 * 3600) {
            return s / 3600 + "h";
        }
        return s / 86400 + "d";
    }
}
