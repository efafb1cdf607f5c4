package io.alfred.gitops.sandbox.validation;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * PodDisruptionBudgets (policy validation) and HorizontalPodAutoscalers (autoscaling validation):
 * the rules between fields a schema cannot express.
 */
final class PolicyRules {
    private PolicyRules() {}

    static void podDisruptionBudget(JsonNode spec, Errors errors) {
        // ValidatePodDisruptionBudgetSpec: one of minAvailable and maxUnavailable, each an int or a percent <= 100%
        if (spec.has("minAvailable") && spec.has("maxUnavailable")) {
            errors.add(
                    FieldError.invalid("spec", spec.toString(), "minAvailable and maxUnavailable cannot be both set"));
        }
        errors.intOrPercent(spec.path("minAvailable"), "spec.minAvailable", true);
        errors.intOrPercent(spec.path("maxUnavailable"), "spec.maxUnavailable", true);
        errors.labelSelector(spec.path("selector"), "spec.selector");
        errors.oneOf(
                spec.path("unhealthyPodEvictionPolicy"),
                "spec.unhealthyPodEvictionPolicy",
                "AlwaysAllow",
                "IfHealthyBudget");
    }

    static void horizontalPodAutoscaler(JsonNode spec, Errors errors) {
        JsonNode max = spec.path("maxReplicas");
        JsonNode min = spec.path("minReplicas");
        if (max.isNumber() && max.asLong() < 1) {
            errors.add(FieldError.invalid("spec.maxReplicas", max, "must be greater than 0"));
        }
        if (min.isNumber() && min.asLong() < 1) {
            errors.add(FieldError.invalid("spec.minReplicas", min, "must be greater than or equal to 1"));
        }
        if (min.isNumber() && max.isNumber() && min.asLong() > max.asLong()) {
            errors.add(FieldError.invalid("spec.minReplicas", min, "must be less than or equal to maxReplicas"));
        }
        JsonNode ref = spec.path("scaleTargetRef");
        errors.required(ref, "kind", "spec.scaleTargetRef.kind");
        errors.required(ref, "name", "spec.scaleTargetRef.name");
        JsonNode metrics = spec.path("metrics");
        for (int i = 0; i < metrics.size(); i++) {
            JsonNode m = metrics.get(i);
            String at = "spec.metrics[" + i + "]";
            if (!m.has("type")) {
                errors.add(FieldError.required(at + ".type", "must specify a metric source type"));
                continue;
            }
            errors.oneOf(m.path("type"), at + ".type", "ContainerResource", "External", "Object", "Pods", "Resource");
            if ("Resource".equals(m.path("type").asText())) {
                JsonNode r = m.path("resource");
                if (!m.has("resource")) {
                    errors.add(FieldError.required(
                            at + ".resource", "must populate information for the given metric source"));
                    continue;
                }
                errors.required(r, "name", at + ".resource.name");
                JsonNode target = r.path("target");
                errors.oneOf(target.path("type"), at + ".resource.target.type", "AverageValue", "Utilization", "Value");
                JsonNode utilization = target.path("averageUtilization");
                if (utilization.isNumber() && utilization.asLong() < 1) {
                    errors.add(FieldError.invalid(
                            at + ".resource.target.averageUtilization", utilization, "must be greater than 0"));
                }
            }
        }
    }
}
