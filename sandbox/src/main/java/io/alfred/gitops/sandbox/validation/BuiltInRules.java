package io.alfred.gitops.sandbox.validation;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The validation the API server runs on a built-in kind after decoding it (what a schema cannot
 * say: required fields, enums, ranges, syntax, and rules between fields), with every error collected
 * as the server collects them before it answers 422 Invalid.
 */
public final class BuiltInRules {
    private BuiltInRules() {}

    public static List<FieldError> validate(String group, String kind, JsonNode object) {
        Errors errors = new Errors();
        MetadataRules.validate(group, kind, object, errors);
        JsonNode spec = object.path("spec");
        switch (group + "/" + kind) {
            case "apps/Deployment" -> {
                selector(spec, errors);
                WorkloadRules.deployment(spec, errors);
            }
            case "apps/ReplicaSet" -> {
                selector(spec, errors);
                WorkloadRules.replicaSet(spec, errors);
            }
            case "apps/StatefulSet" -> {
                selector(spec, errors);
                WorkloadRules.statefulSet(spec, errors);
            }
            case "apps/DaemonSet" -> {
                selector(spec, errors);
                WorkloadRules.daemonSet(spec, errors);
            }
            case "batch/Job" -> WorkloadRules.job(spec, "spec", errors);
            case "batch/CronJob" -> WorkloadRules.cronJob(spec, errors);
            case "/Pod" -> PodSpecRules.validate(spec, "spec", errors, "Always", "OnFailure", "Never");
            case "/Service" -> CoreRules.service(spec, errors);
            case "/PersistentVolumeClaim" -> CoreRules.persistentVolumeClaim(spec, errors);
            case "/ConfigMap" -> CoreRules.configMap(object, errors);
            case "/Secret" -> CoreRules.secret(object, errors);
            case "networking.k8s.io/Ingress" -> NetworkingRules.ingress(spec, errors);
            case "networking.k8s.io/NetworkPolicy" -> NetworkingRules.networkPolicy(spec, errors);
            case "policy/PodDisruptionBudget" -> PolicyRules.podDisruptionBudget(spec, errors);
            case "autoscaling/HorizontalPodAutoscaler" -> PolicyRules.horizontalPodAutoscaler(spec, errors);
            case "rbac.authorization.k8s.io/Role" -> RbacRules.rules(object.path("rules"), true, errors);
            case "rbac.authorization.k8s.io/ClusterRole" -> RbacRules.rules(object.path("rules"), false, errors);
            case "rbac.authorization.k8s.io/RoleBinding" -> RbacRules.binding(object, true, errors);
            case "rbac.authorization.k8s.io/ClusterRoleBinding" -> RbacRules.binding(object, false, errors);
            case "apiextensions.k8s.io/CustomResourceDefinition" -> CrdRules.validate(object, errors);
            default -> {
                // metadata only
            }
        }
        return errors.list();
    }

    /** A workload's selector: required, valid, and matching its template's labels. */
    private static void selector(JsonNode spec, Errors errors) {
        JsonNode selector = spec.path("selector");
        if (!selector.isObject() || selector.isEmpty()) {
            errors.add(FieldError.required("spec.selector", null));
            return;
        }
        errors.labelSelector(selector, "spec.selector");
        JsonNode labels = spec.path("template").path("metadata").path("labels");
        MetadataRules.labels(labels, "spec.template.metadata.labels", errors);
        Iterator<Map.Entry<String, JsonNode>> it = selector.path("matchLabels").fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().equals(labels.path(e.getKey()))) {
                errors.add(FieldError.invalid(
                        "spec.template.metadata.labels",
                        labels.toString(),
                        "`selector` does not match template `labels`"));
                return;
            }
        }
    }
}
