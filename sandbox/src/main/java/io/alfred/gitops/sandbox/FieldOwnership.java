package io.alfred.gitops.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The {@code metadata.managedFields} of one object: who owns which fields, and how they got them. */
final class FieldOwnership {

    /** One managedFields entry. */
    static final class Entry {
        final String manager;
        final String operation;
        String apiVersion;
        String time;
        final String subresource;
        Set<List<String>> fields;
        boolean touched;

        Entry(
                String manager,
                String operation,
                String apiVersion,
                String time,
                String subresource,
                Set<List<String>> fields) {
            this.manager = manager;
            this.operation = operation;
            this.apiVersion = apiVersion;
            this.time = time;
            this.subresource = subresource;
            this.fields = fields;
        }
    }

    /** A field another manager owns with a different value than the apply sends. */
    record Conflict(String manager, String apiVersion, List<String> path) {}

    private final List<Entry> entries = new ArrayList<>();

    static FieldOwnership of(JsonNode object) {
        FieldOwnership o = new FieldOwnership();
        for (JsonNode e : object.path("metadata").path("managedFields")) {
            o.entries.add(new Entry(
                    e.path("manager").asText(),
                    e.path("operation").asText(),
                    e.path("apiVersion").asText(),
                    e.path("time").asText(null),
                    e.path("subresource").asText(""),
                    Fields.fromFieldsV1(e.path("fieldsV1"))));
        }
        return o;
    }

    Set<List<String>> appliedBy(String manager) {
        for (Entry e : entries) {
            if (e.manager.equals(manager) && e.operation.equals("Apply") && e.subresource.isEmpty()) {
                return e.fields;
            }
        }
        return Set.of();
    }

    Set<List<String>> ownedByOthers(String manager) {
        Set<List<String>> out = new LinkedHashSet<>();
        for (Entry e : entries) {
            if (!(e.manager.equals(manager) && e.operation.equals("Apply"))) {
                out.addAll(e.fields);
            }
        }
        return out;
    }

    List<Conflict> conflicts(String manager, JsonNode live, JsonNode config, Set<List<String>> configFields) {
        List<Conflict> out = new ArrayList<>();
        for (Entry e : entries) {
            if (e.manager.equals(manager) || !e.subresource.isEmpty()) {
                continue;
            }
            for (List<String> owned : e.fields) {
                for (List<String> sent : configFields) {
                    if (Fields.overlaps(owned, sent)) {
                        List<String> at = owned.size() < sent.size() ? owned : sent;
                        if (!Fields.same(Fields.valueAt(live, at), Fields.valueAt(config, at))) {
                            out.add(new Conflict(e.manager, e.apiVersion, owned));
                            break;
                        }
                    }
                }
            }
        }
        return out;
    }

    /** Takes the given fields away from whoever else owns them (force, or a non-apply write). */
    void takeFromOthers(String manager, String operation, Set<List<String>> fields) {
        for (Entry e : entries) {
            if (e.manager.equals(manager) && e.operation.equals(operation)) {
                continue;
            }
            Set<List<String>> kept = new LinkedHashSet<>();
            for (List<String> p : e.fields) {
                if (!Fields.overlapsAny(p, fields)) {
                    kept.add(p);
                }
            }
            if (kept.size() != e.fields.size()) {
                e.fields = kept;
                e.touched = true;
            }
        }
    }

    /** Sets the fields a manager owns through an operation, replacing (Apply) or adding to (Update) what it had. */
    void record(String manager, String operation, String apiVersion, Set<List<String>> fields, boolean replace) {
        for (Entry e : entries) {
            if (e.manager.equals(manager) && e.operation.equals(operation) && e.subresource.isEmpty()) {
                Set<List<String>> next = new LinkedHashSet<>(replace ? Set.of() : e.fields);
                next.addAll(fields);
                if (!next.equals(e.fields) || !apiVersion.equals(e.apiVersion)) {
                    e.fields = next;
                    e.apiVersion = apiVersion;
                    e.touched = true;
                }
                return;
            }
        }
        if (!fields.isEmpty()) {
            Entry e = new Entry(manager, operation, apiVersion, null, "", new LinkedHashSet<>(fields));
            e.touched = true;
            entries.add(e);
        }
    }

    /** Drops removed fields from every entry. */
    void forget(Set<List<String>> removed) {
        for (Entry e : entries) {
            Set<List<String>> kept = new LinkedHashSet<>(e.fields);
            if (kept.removeAll(removed)) {
                e.fields = kept;
                e.touched = true;
            }
        }
    }

    boolean ownedBySomeone(List<String> path) {
        for (Entry e : entries) {
            if (Fields.overlapsAny(path, e.fields)) {
                return true;
            }
        }
        return false;
    }

    ArrayNode toJson() {
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        for (Entry e : entries) {
            if (e.fields.isEmpty()) {
                continue;
            }
            ObjectNode n = out.addObject()
                    .put("manager", e.manager)
                    .put("operation", e.operation)
                    .put("apiVersion", e.apiVersion)
                    .put("time", e.touched || e.time == null ? now : e.time)
                    .put("fieldsType", "FieldsV1");
            n.set("fieldsV1", Fields.toFieldsV1(e.fields));
            if (!e.subresource.isEmpty()) {
                n.put("subresource", e.subresource);
            }
        }
        return out;
    }

    /** A real server's 409 message for apply conflicts. */
    static String conflictMessage(List<Conflict> conflicts) {
        Map<String, List<String>> byManager = new LinkedHashMap<>();
        for (Conflict c : conflicts) {
            byManager
                    .computeIfAbsent("\"" + c.manager() + "\" using " + c.apiVersion(), k -> new ArrayList<>())
                    .add(Fields.display(c.path()));
        }
        StringBuilder sb = new StringBuilder("Apply failed with ")
                .append(conflicts.size())
                .append(conflicts.size() == 1 ? " conflict: " : " conflicts: ");
        if (conflicts.size() == 1) {
            Conflict c = conflicts.get(0);
            sb.append("conflict with \"")
                    .append(c.manager())
                    .append("\" using ")
                    .append(c.apiVersion())
                    .append(": ")
                    .append(Fields.display(c.path()));
        } else {
            List<String> parts = new ArrayList<>();
            byManager.forEach(
                    (who, paths) -> parts.add("conflicts with " + who + ":\n- " + String.join("\n- ", paths)));
            sb.append(String.join("\n", parts));
        }
        return sb.toString();
    }
}
