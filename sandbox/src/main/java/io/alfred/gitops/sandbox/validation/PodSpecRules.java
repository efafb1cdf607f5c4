package io.alfred.gitops.sandbox.validation;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * ValidatePodSpec (k8s.io/kubernetes/pkg/apis/core/validation) for the fields a pod template in an
 * infra repository sets: containers and init containers (names unique DNS labels, image, ports,
 * pull policy, env, resources, probes, volume mounts naming existing volumes), volumes (unique names,
 * one source), restart and DNS policy, grace period. Each rule names its field path as the API server does.
 */
final class PodSpecRules {
    private static final Pattern ENV_NAME = Pattern.compile("[-._a-zA-Z][-._a-zA-Z0-9]*");
    private static final Set<String> VOLUME_SOURCES = Set.of(
            "hostPath",
            "emptyDir",
            "gcePersistentDisk",
            "awsElasticBlockStore",
            "gitRepo",
            "secret",
            "nfs",
            "iscsi",
            "glusterfs",
            "persistentVolumeClaim",
            "rbd",
            "flexVolume",
            "cinder",
            "cephfs",
            "flocker",
            "downwardAPI",
            "fc",
            "azureFile",
            "configMap",
            "vsphereVolume",
            "quobyte",
            "azureDisk",
            "photonPersistentDisk",
            "projected",
            "portworxVolume",
            "scaleIO",
            "storageos",
            "csi",
            "ephemeral",
            "image");

    private PodSpecRules() {}

    /**
     * @param restartPolicies the restart policies the owner allows ({@code Always} for workloads,
     *     {@code OnFailure}/{@code Never} for Jobs, all three for a Pod)
     */
    static void validate(JsonNode spec, String path, Errors errors, String... restartPolicies) {
        validate(spec, path, Set.of(), errors, restartPolicies);
    }

    /** @param claimTemplates a StatefulSet's volume claim templates, which its containers mount like volumes */
    static void validate(
            JsonNode spec, String path, Set<String> claimTemplates, Errors errors, String... restartPolicies) {
        Set<String> volumes = new HashSet<>(claimTemplates);
        JsonNode volumeList = spec.path("volumes");
        for (int i = 0; i < volumeList.size(); i++) {
            JsonNode v = volumeList.get(i);
            String at = path + ".volumes[" + i + "]";
            if (errors.required(v, "name", at + ".name")) {
                errors.dnsLabel(v.path("name"), at + ".name");
                volumes.add(v.path("name").asText());
            }
            long sources = VOLUME_SOURCES.stream().filter(v::has).count();
            if (sources == 0) {
                errors.add(FieldError.required(at, "must specify a volume type"));
            } else if (sources > 1) {
                errors.add(FieldError.forbidden(at, "may not specify more than 1 volume type"));
            }
        }
        errors.unique(volumeList, "name", path + ".volumes");
        JsonNode containers = spec.path("containers");
        if (!containers.isArray() || containers.isEmpty()) {
            errors.add(FieldError.required(path + ".containers", null));
        }
        containers(containers, path + ".containers", volumes, errors);
        containers(spec.path("initContainers"), path + ".initContainers", volumes, errors);
        Set<String> names = new HashSet<>();
        for (JsonNode c : containers) {
            for (JsonNode i : spec.path("initContainers")) {
                if (c.path("name").asText().equals(i.path("name").asText())
                        && !c.path("name").asText().isEmpty()) {
                    names.add(c.path("name").asText());
                }
            }
        }
        for (int i = 0; i < spec.path("initContainers").size(); i++) {
            JsonNode n = spec.path("initContainers").get(i).path("name");
            if (names.contains(n.asText())) {
                errors.add(FieldError.duplicate(path + ".initContainers[" + i + "].name", n));
            }
        }
        errors.oneOf(spec.path("restartPolicy"), path + ".restartPolicy", restartPolicies);
        errors.oneOf(
                spec.path("dnsPolicy"),
                path + ".dnsPolicy",
                "ClusterFirst",
                "ClusterFirstWithHostNet",
                "Default",
                "None");
        errors.nonNegative(spec.path("terminationGracePeriodSeconds"), path + ".terminationGracePeriodSeconds");
        errors.atLeast(spec.path("activeDeadlineSeconds"), path + ".activeDeadlineSeconds", 1);
        if (spec.has("serviceAccountName")
                && !spec.path("serviceAccountName").asText().isEmpty()) {
            errors.dnsSubdomain(spec.path("serviceAccountName"), path + ".serviceAccountName");
        }
        JsonNode tolerations = spec.path("tolerations");
        for (int i = 0; i < tolerations.size(); i++) {
            JsonNode t = tolerations.get(i);
            errors.oneOf(t.path("operator"), path + ".tolerations[" + i + "].operator", "Equal", "Exists");
            errors.oneOf(
                    t.path("effect"),
                    path + ".tolerations[" + i + "].effect",
                    "NoExecute",
                    "NoSchedule",
                    "PreferNoSchedule");
            if ("Exists".equals(t.path("operator").asText())
                    && !t.path("value").asText("").isEmpty()) {
                errors.add(FieldError.invalid(
                        path + ".tolerations[" + i + "].operator",
                        t.path("operator"),
                        "value must be empty when `operator` is 'Exists'"));
            }
        }
    }

    private static void containers(JsonNode list, String path, Set<String> volumes, Errors errors) {
        for (int i = 0; i < list.size(); i++) {
            container(list.get(i), path + "[" + i + "]", volumes, errors);
        }
        errors.unique(list, "name", path);
    }

    private static void container(JsonNode c, String path, Set<String> volumes, Errors errors) {
        if (errors.required(c, "name", path + ".name")) {
            errors.dnsLabel(c.path("name"), path + ".name");
        }
        errors.required(c, "image", path + ".image");
        errors.oneOf(c.path("imagePullPolicy"), path + ".imagePullPolicy", "Always", "IfNotPresent", "Never");
        errors.oneOf(
                c.path("terminationMessagePolicy"),
                path + ".terminationMessagePolicy",
                "File",
                "FallbackToLogsOnError");
        JsonNode ports = c.path("ports");
        for (int i = 0; i < ports.size(); i++) {
            JsonNode p = ports.get(i);
            String at = path + ".ports[" + i + "]";
            if (p.path("containerPort").isMissingNode()) {
                errors.add(FieldError.required(at + ".containerPort", null));
            }
            errors.port(p.path("containerPort"), at + ".containerPort");
            if (p.path("hostPort").asLong(0) != 0) {
                errors.port(p.path("hostPort"), at + ".hostPort");
            }
            errors.oneOf(p.path("protocol"), at + ".protocol", "SCTP", "TCP", "UDP");
            errors.portName(p.path("name"), at + ".name");
        }
        errors.unique(ports, "name", path + ".ports");
        JsonNode env = c.path("env");
        for (int i = 0; i < env.size(); i++) {
            JsonNode e = env.get(i);
            String at = path + ".env[" + i + "]";
            if (errors.required(e, "name", at + ".name")
                    && !ENV_NAME.matcher(e.path("name").asText()).matches()) {
                errors.add(FieldError.invalid(
                        at + ".name",
                        e.path("name"),
                        "a valid environment variable name must "
                                + "consist of alphabetic characters, digits, '_', '-', or '.', and must "
                                + "not start with a digit "
                                + "(e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used "
                                + "for validation is "
                                + "'[-._a-zA-Z][-._a-zA-Z0-9]*')"));
            }
            if (!e.path("value").asText("").isEmpty() && e.has("valueFrom")) {
                errors.add(FieldError.invalid(
                        at + ".valueFrom",
                        e.path("valueFrom").toString(),
                        "may not be specified when `value` is not empty"));
            }
        }
        JsonNode mounts = c.path("volumeMounts");
        for (int i = 0; i < mounts.size(); i++) {
            JsonNode m = mounts.get(i);
            String at = path + ".volumeMounts[" + i + "]";
            if (errors.required(m, "name", at + ".name")
                    && !volumes.contains(m.path("name").asText())) {
                errors.add(FieldError.notFound(at + ".name", m.path("name")));
            }
            errors.required(m, "mountPath", at + ".mountPath");
        }
        errors.unique(mounts, "mountPath", path + ".volumeMounts");
        resources(c.path("resources"), path + ".resources", errors);
        for (String probe : new String[] {"livenessProbe", "readinessProbe", "startupProbe"}) {
            probe(c.path(probe), path + "." + probe, probe, errors);
        }
    }

    /** ValidateResourceRequirements: quantities not negative, requests at most limits. */
    private static void resources(JsonNode resources, String path, Errors errors) {
        JsonNode limits = resources.path("limits");
        JsonNode requests = resources.path("requests");
        for (String part : new String[] {"limits", "requests"}) {
            for (Map.Entry<String, JsonNode> e : (Iterable<Map.Entry<String, JsonNode>>)
                    () -> resources.path(part).fields()) {
                BigDecimal value = Quantities.value(e.getValue().asText());
                if (value != null && value.signum() < 0) {
                    errors.add(FieldError.invalid(
                            path + "." + part + "[" + e.getKey() + "]",
                            e.getValue().asText(),
                            "must be greater than or equal to 0"));
                }
            }
        }
        for (Map.Entry<String, JsonNode> e : (Iterable<Map.Entry<String, JsonNode>>) requests::fields) {
            JsonNode limit = limits.path(e.getKey());
            BigDecimal request = Quantities.value(e.getValue().asText());
            BigDecimal max = limit.isMissingNode() ? null : Quantities.value(limit.asText());
            if (request != null && max != null && request.compareTo(max) > 0) {
                errors.add(FieldError.invalid(
                        path + ".requests",
                        e.getValue().asText(),
                        "must be less than or equal to " + e.getKey() + " limit of " + limit.asText()));
            }
        }
    }

    private static void probe(JsonNode probe, String path, String kind, Errors errors) {
        if (!probe.isObject()) {
            return;
        }
        long handlers = Set.of("exec", "httpGet", "tcpSocket", "grpc").stream()
                .filter(probe::has)
                .count();
        if (handlers == 0) {
            errors.add(FieldError.required(path, "must specify a handler type"));
        } else if (handlers > 1) {
            errors.add(FieldError.forbidden(path, "may not specify more than 1 handler type"));
        }
        for (String f : new String[] {
            "initialDelaySeconds", "timeoutSeconds", "periodSeconds", "successThreshold", "failureThreshold"
        }) {
            errors.nonNegative(probe.path(f), path + "." + f);
        }
        if (!kind.equals("readinessProbe")
                && probe.path("successThreshold").isNumber()
                && probe.path("successThreshold").asInt() != 1) {
            errors.add(FieldError.invalid(path + ".successThreshold", probe.path("successThreshold"), "must be 1"));
        }
        if (probe.has("httpGet")) {
            errors.portNumberOrName(probe.path("httpGet").path("port"), path + ".httpGet.port");
            errors.oneOf(probe.path("httpGet").path("scheme"), path + ".httpGet.scheme", "HTTP", "HTTPS");
        }
        if (probe.has("tcpSocket")) {
            errors.portNumberOrName(probe.path("tcpSocket").path("port"), path + ".tcpSocket.port");
        }
    }
}
