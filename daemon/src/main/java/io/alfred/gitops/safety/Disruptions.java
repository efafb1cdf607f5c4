package io.alfred.gitops.safety;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * How many pods a workload change takes down at once, and how many disruptions a budget permits,
 * rounded as the Deployment, StatefulSet and DaemonSet controllers and the disruption controller
 * round them.
 */
public final class Disruptions {
    private Disruptions() {}

    /** An int-or-percent resolved against {@code total}. */
    static int scaled(JsonNode value, int total, boolean roundUp, int fallback) {
        if (value == null || value.isMissingNode() || value.isNull()) {
            return fallback;
        }
        if (value.isTextual() && value.asText().endsWith("%")) {
            double pct = Double.parseDouble(
                    value.asText().substring(0, value.asText().length() - 1));
            double exact = total * pct / 100.0;
            return (int) (roundUp ? Math.ceil(exact) : Math.floor(exact));
        }
        return value.asInt();
    }

    /**
     * Pods the change takes down at once.
     *
     * @param kind Deployment, StatefulSet or DaemonSet
     * @param spec the new spec
     * @param liveReplicas replicas before the change
     * @param templateChanged whether pods are replaced
     * @param nodes pods of a DaemonSet (its desired number scheduled)
     */
    public static int unavailableDuringChange(
            String kind, JsonNode spec, int liveReplicas, boolean templateChanged, int nodes) {
        int replicas = spec.path("replicas").asInt(liveReplicas);
        int scaleDown = Math.max(0, liveReplicas - replicas);
        if (!templateChanged) {
            return scaleDown;
        }
        int rolling = switch (kind) {
            case "Deployment" -> deployment(spec.path("strategy"), replicas, liveReplicas);
            case "StatefulSet" -> statefulSet(spec.path("updateStrategy"), replicas);
            case "DaemonSet" -> daemonSet(spec.path("updateStrategy"), nodes);
            default -> 0;
        };
        return Math.max(rolling, scaleDown);
    }

    private static int deployment(JsonNode strategy, int replicas, int liveReplicas) {
        if ("Recreate".equals(strategy.path("type").asText())) {
            return liveReplicas;
        }
        JsonNode ru = strategy.path("rollingUpdate");
        // maxSurge rounds up, maxUnavailable rounds down; both zero means one unavailable (deployment util)
        int surge = scaled(ru.path("maxSurge"), replicas, true, (int) Math.ceil(replicas * 0.25));
        int unavailable = scaled(ru.path("maxUnavailable"), replicas, false, (int) Math.floor(replicas * 0.25));
        if (surge == 0 && unavailable == 0) {
            unavailable = 1;
        }
        return Math.min(unavailable, replicas);
    }

    private static int statefulSet(JsonNode strategy, int replicas) {
        if ("OnDelete".equals(strategy.path("type").asText())) {
            return 0; // nothing rolls by itself
        }
        int unavailable = scaled(strategy.path("rollingUpdate").path("maxUnavailable"), replicas, false, 1);
        return Math.min(Math.max(unavailable, 1), Math.max(replicas, 1));
    }

    private static int daemonSet(JsonNode strategy, int nodes) {
        if ("OnDelete".equals(strategy.path("type").asText())) {
            return 0;
        }
        JsonNode ru = strategy.path("rollingUpdate");
        int surge = scaled(ru.path("maxSurge"), nodes, true, 0);
        int unavailable = scaled(ru.path("maxUnavailable"), nodes, true, 1);
        if (surge > 0 && unavailable == 0) {
            return 0;
        }
        return Math.min(Math.max(unavailable, surge > 0 ? 0 : 1), nodes);
    }

    /** Healthy pods the budget requires for {@code expected} pods (disruption controller: percentages round up). */
    public static int desiredHealthy(JsonNode pdbSpec, int expected) {
        if (pdbSpec.has("minAvailable")) {
            return scaled(pdbSpec.path("minAvailable"), expected, true, 0);
        }
        if (pdbSpec.has("maxUnavailable")) {
            return Math.max(0, expected - scaled(pdbSpec.path("maxUnavailable"), expected, true, 0));
        }
        return expected;
    }

    /** Disruptions the budget permits by design: every pod of {@code expected} healthy. */
    public static int allowedByDesign(JsonNode pdbSpec, int expected) {
        return Math.max(0, expected - desiredHealthy(pdbSpec, expected));
    }
}
