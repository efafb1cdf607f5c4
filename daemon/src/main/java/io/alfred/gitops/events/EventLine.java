package io.alfred.gitops.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.pubsub.v1.PubsubMessage;
import io.alfred.gitops.Revision;
import java.io.IOException;
import java.util.Map;

/** How the {@code events} command shows a received event. */
public final class EventLine {
    private EventLine() {}

    public static boolean matches(PubsubMessage m, String type, String cluster) {
        String t = m.getAttributesOrDefault("ce-type", "");
        return (type == null || t.equals(type) || t.endsWith("." + type))
                && (cluster == null || cluster.equals(m.getAttributesOrDefault("cluster", "")));
    }

    /** {@code time cluster/environment type revision outcome: summary or cause}. */
    public static String human(PubsubMessage m) {
        Map<String, String> a = m.getAttributesMap();
        JsonNode data = data(m);
        String detail = data.has("cause")
                ? data.path("stage").asText() + ": " + data.path("cause").asText()
                : data.has("reason")
                        ? data.path("reason").asText()
                        : data.has("summary")
                                ? data.path("summary").asText()
                                : data.has("trigger")
                                        ? "trigger "
                                                + data.path("trigger")
                                                        .path("kind")
                                                        .asText()
                                        : "";
        String revision = a.getOrDefault("revision", "-");
        return a.getOrDefault("ce-time", "?") + " " + a.getOrDefault("cluster", "?") + "/"
                + a.getOrDefault("environment", "?")
                + " " + a.getOrDefault("ce-type", "?").replace("io.alfred.gitops.", "") + " "
                + Revision.abbreviate(revision)
                + (detail.isEmpty() ? "" : " " + detail);
    }

    /** The structured CloudEvents JSON of a binary-mode message. */
    public static String json(PubsubMessage m) {
        ObjectNode n = DeployEvent.JSON.createObjectNode();
        m.getAttributesMap().forEach((k, v) -> {
            if (k.startsWith("ce-")) {
                n.put(k.substring(3), v);
            } else if (k.equals("content-type")) {
                n.put("datacontenttype", v);
            } else {
                n.put(k, v);
            }
        });
        n.set("data", data(m));
        return n.toString();
    }

    private static JsonNode data(PubsubMessage m) {
        try {
            return DeployEvent.JSON.readTree(m.getData().toByteArray());
        } catch (IOException e) {
            return DeployEvent.JSON.createObjectNode().put("raw", m.getData().toStringUtf8());
        }
    }
}
