package io.alfred.gitops.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.pubsub.v1.PubsubMessage;
import io.alfred.gitops.Revision;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One line per cluster, from the deploy events of every cluster on a topic ({@code events --fleet}):
 * its environment, the revision applied there, its state, and what it waits for (a promotion, a
 * held revision).
 */
public final class FleetView {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * What the events said last about one cluster.
     *
     * @param outcome the last event's outcome ({@code succeeded}, {@code failed}, {@code blocked}, ...)
     * @param at when the last event was sent (its {@code ce-time}); null when it did not say
     */
    public record Cluster(
            String name,
            String environment,
            String applied,
            String state,
            String waitingFor,
            String outcome,
            Instant at) {
        Cluster(String name, String environment, String applied, String state, String waitingFor) {
            this(name, environment, applied, state, waitingFor, "", null);
        }

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
        Cluster next = new Cluster(
                name,
                a.getOrDefault("environment", before.environment()),
                applied,
                state,
                waiting,
                a.getOrDefault("outcome", before.outcome()),
                time(a.get("ce-time")).orElse(before.at()));
        if (next.equals(before)) {
            return false;
        }
        clusters.put(name, next);
        return true;
    }

    /** Every cluster heard of, by name. */
    public synchronized List<Cluster> clusters() {
        return List.copyOf(clusters.values());
    }

    private static Optional<Instant> time(String text) {
        try {
            return text == null
                    ? Optional.empty()
                    : Optional.of(OffsetDateTime.parse(text).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
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
