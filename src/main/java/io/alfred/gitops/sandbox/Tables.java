package io.alfred.gitops.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Server-side printing: what a real API server answers when kubectl asks for
 * {@code application/json;as=Table;v=v1;g=meta.k8s.io}. Events get the columns of the API server's
 * printer (LAST SEEN, TYPE, REASON, OBJECT, MESSAGE); other kinds NAME and AGE, as a real server
 * prints a kind it has no printer for.
 */
final class Tables {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private record Column(String name, String type, String format, int priority, Function<JsonNode, Object> cell) {
    }

    private Tables() {
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
            definitions.addObject().put("name", c.name()).put("type", c.type()).put("format", c.format())
                    .put("description", c.name()).put("priority", c.priority());
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
            ObjectNode partial = row.putObject("object").put("kind", "PartialObjectMetadata")
                    .put("apiVersion", "meta.k8s.io/v1");
            partial.set("metadata", object.path("metadata").deepCopy());
        }
        return table;
    }

    private static List<Column> columns(ResourceType type, Instant now) {
        Column name = new Column("Name", "string", "name", 0, o -> o.path("metadata").path("name").asText());
        Column age = new Column("Age", "string", "", 0, o -> age(o.path("metadata").path("creationTimestamp").asText(), now));
        if (type.kind().equals("Event")) {
            boolean core = type.group().isEmpty();
            String regarding = core ? "involvedObject" : "regarding";
            return List.of(
                    new Column("Last Seen", "string", "", 0, o -> age(lastSeen(o), now)),
                    new Column("Type", "string", "", 0, o -> o.path("type").asText()),
                    new Column("Reason", "string", "", 0, o -> o.path("reason").asText()),
                    new Column("Object", "string", "", 0, o -> o.path(regarding).path("kind").asText()
                            .toLowerCase(Locale.ROOT) + "/" + o.path(regarding).path("name").asText()),
                    new Column("Source", "string", "", 1, o -> core ? o.path("source").path("component").asText()
                            : o.path("reportingController").asText()),
                    new Column("Message", "string", "", 0, o -> o.path(core ? "message" : "note").asText()),
                    new Column("First Seen", "string", "", 1, o -> age(o.path("eventTime").asText(), now)),
                    new Column("Count", "integer", "", 1, o -> o.path("series").path("count").asInt(1)),
                    new Column("Name", "string", "name", 1, o -> o.path("metadata").path("name").asText()));
        }
        return List.of(name, age);
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
