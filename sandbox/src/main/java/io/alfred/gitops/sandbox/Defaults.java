package io.alfred.gitops.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The defaulting a real API server does for the fields the daemon's diffs meet most: without it a
 * diff against a real cluster would show fields the sandbox never fills in. Not exhaustive: see
 * the README for what is covered.
 */
final class Defaults {
    private static final AtomicInteger NEXT_CLUSTER_IP = new AtomicInteger(10);

    private Defaults() {}

    static void apply(ResourceType type, ObjectNode object) {
        String gk = type.group() + "/" + type.kind();
        switch (gk) {
            case "apps/Deployment" -> {
                ObjectNode spec = object.with("spec");
                spec.putIfAbsent("replicas", spec.numberNode(1));
                spec.putIfAbsent("revisionHistoryLimit", spec.numberNode(10));
                spec.putIfAbsent("progressDeadlineSeconds", spec.numberNode(600));
                ObjectNode strategy = spec.with("strategy");
                strategy.putIfAbsent("type", strategy.textNode("RollingUpdate"));
                if ("RollingUpdate".equals(strategy.path("type").asText())) {
                    ObjectNode ru = strategy.with("rollingUpdate");
                    ru.putIfAbsent("maxUnavailable", ru.textNode("25%"));
                    ru.putIfAbsent("maxSurge", ru.textNode("25%"));
                }
                podTemplate(spec);
            }
            case "apps/StatefulSet" -> {
                ObjectNode spec = object.with("spec");
                spec.putIfAbsent("replicas", spec.numberNode(1));
                spec.putIfAbsent("podManagementPolicy", spec.textNode("OrderedReady"));
                spec.putIfAbsent("revisionHistoryLimit", spec.numberNode(10));
                ObjectNode strategy = spec.with("updateStrategy");
                strategy.putIfAbsent("type", strategy.textNode("RollingUpdate"));
                if ("RollingUpdate".equals(strategy.path("type").asText())) {
                    strategy.with("rollingUpdate").putIfAbsent("partition", spec.numberNode(0));
                }
                podTemplate(spec);
            }
            case "apps/DaemonSet" -> {
                ObjectNode spec = object.with("spec");
                spec.putIfAbsent("revisionHistoryLimit", spec.numberNode(10));
                ObjectNode strategy = spec.with("updateStrategy");
                strategy.putIfAbsent("type", strategy.textNode("RollingUpdate"));
                podTemplate(spec);
            }
            case "/Service" -> {
                ObjectNode spec = object.with("spec");
                spec.putIfAbsent("type", spec.textNode("ClusterIP"));
                spec.putIfAbsent("sessionAffinity", spec.textNode("None"));
                if (!spec.has("clusterIP")) {
                    int n = NEXT_CLUSTER_IP.getAndIncrement();
                    spec.put("clusterIP", "10.96." + (n / 250) + "." + (n % 250 + 1));
                }
                if (!spec.has("clusterIPs")
                        && !"None".equals(spec.path("clusterIP").asText())) {
                    spec.putArray("clusterIPs").add(spec.path("clusterIP").asText());
                }
                for (JsonNode port : spec.path("ports")) {
                    ObjectNode p = (ObjectNode) port;
                    p.putIfAbsent("protocol", p.textNode("TCP"));
                    p.putIfAbsent("targetPort", p.path("port").deepCopy());
                }
            }
            case "/Secret" -> object.putIfAbsent("type", object.textNode("Opaque"));
            case "/PersistentVolumeClaim" ->
                object.with("spec").putIfAbsent("volumeMode", object.textNode("Filesystem"));
            case "/Namespace" ->
                object.with("spec").withArray("finalizers").removeAll().add("kubernetes");
            default -> {
                // no defaults simulated
            }
        }
    }

    private static void podTemplate(ObjectNode spec) {
        ObjectNode pod = spec.with("template").with("spec");
        pod.putIfAbsent("restartPolicy", pod.textNode("Always"));
        pod.putIfAbsent("terminationGracePeriodSeconds", pod.numberNode(30));
        pod.putIfAbsent("dnsPolicy", pod.textNode("ClusterFirst"));
        pod.putIfAbsent("schedulerName", pod.textNode("default-scheduler"));
        pod.putIfAbsent("securityContext", pod.objectNode());
        for (JsonNode c : pod.path("containers")) {
            ObjectNode container = (ObjectNode) c;
            String image = container.path("image").asText("");
            container.putIfAbsent(
                    "imagePullPolicy",
                    container.textNode(image.endsWith(":latest") || !image.contains(":") ? "Always" : "IfNotPresent"));
            container.putIfAbsent("terminationMessagePath", container.textNode("/dev/termination-log"));
            container.putIfAbsent("terminationMessagePolicy", container.textNode("File"));
            container.putIfAbsent("resources", container.objectNode());
            for (JsonNode port : container.path("ports")) {
                ((ObjectNode) port).putIfAbsent("protocol", container.textNode("TCP"));
            }
        }
    }
}
