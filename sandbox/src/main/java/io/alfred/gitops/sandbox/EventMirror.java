package io.alfred.gitops.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A real API server stores {@code events.k8s.io/v1} and {@code v1} Events once and serves each in
 * the other's shape, so that {@code kubectl get events} and {@code kubectl describe} (which read
 * {@code v1}) show what a controller recorded through {@code events.k8s.io/v1}. The sandbox keeps a
 * {@code v1} copy of each, converted field by field as the API server's conversion does.
 */
final class EventMirror {
    private EventMirror() {}

    static String corePath(JsonNode event) {
        JsonNode metadata = event.path("metadata");
        return "/api/v1/namespaces/" + metadata.path("namespace").asText() + "/events/"
                + metadata.path("name").asText();
    }

    static ObjectNode toCore(ObjectNode event) {
        ObjectNode core = event.objectNode().put("apiVersion", "v1").put("kind", "Event");
        core.set("metadata", event.path("metadata").deepCopy());
        core.set("involvedObject", event.path("regarding").deepCopy());
        if (event.has("related")) {
            core.set("related", event.path("related").deepCopy());
        }
        core.put("reason", event.path("reason").asText(""));
        core.put("message", event.path("note").asText(""));
        core.put("type", event.path("type").asText("Normal"));
        core.put("action", event.path("action").asText(""));
        core.put("reportingComponent", event.path("reportingController").asText(""));
        core.put("reportingInstance", event.path("reportingInstance").asText(""));
        core.putObject("source")
                .put("component", event.path("reportingController").asText(""));
        String eventTime = event.path("eventTime").asText("");
        core.put("eventTime", eventTime);
        String firstSeen = eventTime.isEmpty() ? "" : eventTime.substring(0, Math.min(19, eventTime.length())) + "Z";
        core.put("firstTimestamp", firstSeen);
        JsonNode series = event.path("series");
        if (series.isObject()) {
            core.set("series", series.deepCopy());
            core.put("count", series.path("count").asInt(1));
            String last = series.path("lastObservedTime").asText(eventTime);
            core.put("lastTimestamp", last.substring(0, Math.min(19, last.length())) + "Z");
        } else {
            core.put("count", 1);
            core.put("lastTimestamp", firstSeen);
        }
        return core;
    }
}
