package io.alfred.gitops.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.pubsub.v1.PubsubMessage;
import io.alfred.gitops.Revision;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One line per cluster, from the deploy events of every cluster on a topic ({@code events --fleet}):
 * its environment, the revision applied there, its state, and what it waits for (a promotion, a
 * held revision).
 */
public final class FleetView {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the events said last about one cluster. */
    public record Cluster(String name, String environment, String applied, String state, String waitingFor) {
        public String line() {
            return String.format(
                    "%-16s %-10s %-8s %-28s %s",
                    name,
                    environment,
                    applied.isEmpty() ? "-" : applied,
                    state,
                    waitingFor.isEmpty() ? "" : "waits: " + waitingFor);
        }
    }

    private final Map<String, Cluster> clusters = new TreeMap<>();

    /** @return whether the view changed */
    public synchronized boolean accept(PubsubMessage message) {
        Map<String, String> a = message.getAttributesMap();
        String name = a.get("cluster");
        String type = a.getOrDefault("ce-type", "");
        if (name == null || !type.startsWith("io.alfred.gitops.")) {
            return false;
        }
        String revision = Revision.abbreviate(a.getOrDefault("revision", ""));
        JsonNode data = data(message);
        Cluster before = clusters.getOrDefault(name, new Cluster(name, a.getOrDefault("environment", ""), "", "", ""));
        String applied = before.applied();
        String state = before.state();
        String waiting = before.waitingFor();
        switch (type.substring("io.alfred.gitops.".length())) {
            case "sync.succeeded", "sync.reached" -> {
                applied = revision;
                state = "in sync";
                waiting = "";
            }
            case "drift.corrected" -> {
                applied = revision;
                state = "drift corrected";
            }
            case "sync.started", "sync.planned", "sync.applied" -> state = "syncing " + revision;
            case "sync.failed" ->
                state = "failed " + revision + " at " + data.path("stage").asText("?");
            case "sync.rolledback" -> {
                applied = Revision.abbreviate(data.path("restoredRevision").asText(""));
                state = "rolled back " + revision;
            }
            case "sync.blocked" -> {
                String gate = data.path("gate").asText("?");
                state = "holds " + revision + " (" + gate + ")";
                String prefix = gate + ": " + data.path("object").asText("") + ": ";
                String reason = data.path("reason").asText("");
                waiting = reason.startsWith(prefix) ? reason.substring(prefix.length()) : reason;
            }
            case "sync.suspended" -> state = "suspended";
            case "sync.resumed" -> state = "resumed";
            default -> {
                return false;
            }
        }
        Cluster next = new Cluster(name, a.getOrDefault("environment", before.environment()), applied, state, waiting);
        if (next.equals(before)) {
            return false;
        }
        clusters.put(name, next);
        return true;
    }

    public synchronized List<String> lines() {
        List<String> out = new ArrayList<>();
        out.add(String.format("%-16s %-10s %-8s %-28s %s", "CLUSTER", "ENV", "APPLIED", "STATE", "WAITING FOR"));
        clusters.values().forEach(c -> out.add(c.line()));
        return out;
    }

    private static JsonNode data(PubsubMessage message) {
        try {
            return JSON.readTree(message.getData().toByteArray());
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }
}
