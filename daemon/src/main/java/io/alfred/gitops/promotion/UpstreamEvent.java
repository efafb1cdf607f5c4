package io.alfred.gitops.promotion;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A deploy event of another cluster that says something about a revision there: it was reached
 * ({@code sync.succeeded}, or {@code sync.reached} when there was nothing to change) or it failed
 * ({@code sync.failed}, {@code sync.rolledback}). Taken only from a well-formed CloudEvent of
 * alfred-gitops: {@link #parse} refuses anything else.
 */
public record UpstreamEvent(String id, Signal signal, String cluster, String environment, String revision, Instant at) {

    public enum Signal {
        /** The revision is applied there and healthy. */
        REACHED,
        /** The revision failed there (a stage failed, or its rollout did and it was rolled back). */
        FAILED
    }

    /** An event that cannot be a proof, and why. */
    public static final class Rejected extends Exception {
        Rejected(String reason) {
            super(reason);
        }
    }

    private static final Pattern SHA = Pattern.compile("[0-9a-f]{40}");
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,61}[a-z0-9])?");
    private static final String SOURCE_PREFIX = "//alfred-gitops/clusters/";

    /**
     * @return the event, or null when it is a valid event that says nothing about a revision
     *     (planned, applied, blocked, drift, ...)
     */
    public static UpstreamEvent parse(Map<String, String> attributes) throws Rejected {
        String type = require(attributes, "ce-type");
        if (!"1.0".equals(attributes.get("ce-specversion"))) {
            throw new Rejected("not a CloudEvent 1.0 (ce-specversion " + attributes.get("ce-specversion") + ")");
        }
        if (!type.startsWith("io.alfred.gitops.")) {
            throw new Rejected("not an alfred-gitops event (ce-type " + type + ")");
        }
        String id = require(attributes, "ce-id");
        String cluster = require(attributes, "cluster");
        String environment = require(attributes, "environment");
        if (!NAME.matcher(cluster).matches() || !NAME.matcher(environment).matches()) {
            throw new Rejected("malformed cluster or environment name");
        }
        String source = require(attributes, "ce-source");
        if (!source.equals(SOURCE_PREFIX + cluster)) {
            throw new Rejected(
                    "its source " + source + " is not cluster " + cluster + "'s (" + SOURCE_PREFIX + cluster + ")");
        }
        Signal signal = switch (type) {
            case "io.alfred.gitops.sync.succeeded", "io.alfred.gitops.sync.reached" -> Signal.REACHED;
            case "io.alfred.gitops.sync.failed", "io.alfred.gitops.sync.rolledback" -> Signal.FAILED;
            default -> null;
        };
        if (signal == null) {
            return null;
        }
        String revision = require(attributes, "revision");
        if (!SHA.matcher(revision).matches()) {
            throw new Rejected("revision '" + revision + "' is not a full commit SHA");
        }
        Instant at;
        try {
            at = OffsetDateTime.parse(require(attributes, "ce-time")).toInstant();
        } catch (DateTimeParseException e) {
            throw new Rejected("malformed ce-time");
        }
        return new UpstreamEvent(id, signal, cluster, environment, revision, at);
    }

    private static String require(Map<String, String> attributes, String name) throws Rejected {
        String value = attributes.get(name);
        if (value == null || value.isBlank()) {
            throw new Rejected("attribute " + name + " is missing");
        }
        return value;
    }

    /** Whether this event's cluster is the entry of {@code gitops.promotion.after}, or of its environment. */
    public boolean isOf(String entry) {
        return entry.equals(cluster) || entry.equals(environment);
    }
}
