package io.alfred.gitops.sandbox.validation;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.Set;

/**
 * The apps and batch validation (k8s.io/kubernetes/pkg/apis/apps/validation, .../batch/validation):
 * Deployments, ReplicaSets, StatefulSets, DaemonSets, Jobs and CronJobs, each with its pod template.
 */
final class WorkloadRules {
    private WorkloadRules() {}

    static void deployment(JsonNode spec, Errors errors) {
        replicasAndHistory(spec, errors);
        JsonNode strategy = spec.path("strategy");
        errors.oneOf(strategy.path("type"), "spec.strategy.type", "Recreate", "RollingUpdate");
        if ("Recreate".equals(strategy.path("type").asText()) && strategy.has("rollingUpdate")) {
            errors.add(FieldError.forbidden(
                    "spec.strategy.rollingUpdate", "may not be specified when strategy `type` is 'Recreate'"));
        }
        JsonNode ru = strategy.path("rollingUpdate");
        rollingUpdate(ru, "spec.strategy.rollingUpdate", errors);
        errors.nonNegative(spec.path("minReadySeconds"), "spec.minReadySeconds");
        JsonNode deadline = spec.path("progressDeadlineSeconds");
        errors.nonNegative(deadline, "spec.progressDeadlineSeconds");
        if (deadline.isNumber()
                && deadline.asLong() <= spec.path("minReadySeconds").asLong(0)) {
            errors.add(FieldError.invalid(
                    "spec.progressDeadlineSeconds", deadline, "must be greater than minReadySeconds"));
        }
        template(spec, errors, "Always");
    }

    static void replicaSet(JsonNode spec, Errors errors) {
        replicasAndHistory(spec, errors);
        errors.nonNegative(spec.path("minReadySeconds"), "spec.minReadySeconds");
        template(spec, errors, "Always");
    }

    static void statefulSet(JsonNode spec, Errors errors) {
        replicasAndHistory(spec, errors);
        errors.oneOf(spec.path("podManagementPolicy"), "spec.podManagementPolicy", "OrderedReady", "Parallel");
        JsonNode strategy = spec.path("updateStrategy");
        errors.oneOf(strategy.path("type"), "spec.updateStrategy.type", "OnDelete", "RollingUpdate");
        if ("OnDelete".equals(strategy.path("type").asText()) && strategy.has("rollingUpdate")) {
            errors.add(FieldError.invalid(
                    "spec.updateStrategy.rollingUpdate",
                    strategy.path("rollingUpdate").toString(),
                    "only allowed for updateStrategy 'RollingUpdate'"));
        }
        errors.nonNegative(
                strategy.path("rollingUpdate").path("partition"), "spec.updateStrategy.rollingUpdate.partition");
        errors.nonNegative(spec.path("minReadySeconds"), "spec.minReadySeconds");
        JsonNode claims = spec.path("volumeClaimTemplates");
        Set<String> claimNames = new HashSet<>();
        for (int i = 0; i < claims.size(); i++) {
            CoreRules.claimSpec(claims.get(i).path("spec"), "spec.volumeClaimTemplates[" + i + "].spec", errors);
            claimNames.add(claims.get(i).path("metadata").path("name").asText());
        }
        JsonNode podSpec = spec.path("template").path("spec");
        if (!podSpec.isObject()) {
            errors.add(FieldError.required("spec.template", null));
            return;
        }
        PodSpecRules.validate(podSpec, "spec.template.spec", claimNames, errors, "Always");
    }

    static void daemonSet(JsonNode spec, Errors errors) {
        errors.nonNegative(spec.path("revisionHistoryLimit"), "spec.revisionHistoryLimit");
        errors.nonNegative(spec.path("minReadySeconds"), "spec.minReadySeconds");
        JsonNode strategy = spec.path("updateStrategy");
        errors.oneOf(strategy.path("type"), "spec.updateStrategy.type", "OnDelete", "RollingUpdate");
        JsonNode ru = strategy.path("rollingUpdate");
        errors.intOrPercent(ru.path("maxUnavailable"), "spec.updateStrategy.rollingUpdate.maxUnavailable", true);
        errors.intOrPercent(ru.path("maxSurge"), "spec.updateStrategy.rollingUpdate.maxSurge", true);
        if (ru.has("maxUnavailable")
                && Errors.amount(ru.path("maxUnavailable")) == 0
                && Errors.amount(ru.path("maxSurge")) <= 0) {
            errors.add(FieldError.invalid(
                    "spec.updateStrategy.rollingUpdate.maxUnavailable",
                    ru.path("maxUnavailable"),
                    "may not be 0 when `maxSurge` is 0"));
        }
        template(spec, errors, "Always");
    }

    static void job(JsonNode spec, String path, Errors errors) {
        for (String f : new String[] {"parallelism", "completions", "backoffLimit", "ttlSecondsAfterFinished"}) {
            errors.nonNegative(spec.path(f), path + "." + f);
        }
        errors.atLeast(spec.path("activeDeadlineSeconds"), path + ".activeDeadlineSeconds", 1);
        errors.oneOf(spec.path("completionMode"), path + ".completionMode", "Indexed", "NonIndexed");
        JsonNode template = spec.path("template");
        if (!template.path("spec").isObject()) {
            errors.add(FieldError.required(path + ".template.spec", null));
            return;
        }
        if (template.path("spec").path("restartPolicy").isMissingNode()) {
            errors.add(FieldError.required(
                    path + ".template.spec.restartPolicy", "valid values: \"OnFailure\", \"Never\""));
        }
        PodSpecRules.validate(template.path("spec"), path + ".template.spec", errors, "OnFailure", "Never");
    }

    /** CronJob: a five-field schedule (or a macro), the concurrency policy, history limits, and the job template. */
    static void cronJob(JsonNode spec, Errors errors) {
        if (errors.required(spec, "schedule", "spec.schedule")) {
            String schedule = spec.path("schedule").asText().trim();
            String[] fields = schedule.split("\\s+");
            boolean macro = schedule.startsWith("@")
                    && Set.of("@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly")
                            .contains(schedule);
            if (!macro && fields.length != 5) {
                errors.add(FieldError.invalid(
                        "spec.schedule",
                        spec.path("schedule"),
                        "unparseable schedule: " + "expected exactly 5 fields, found " + fields.length + ": "
                                + schedule));
            }
        }
        errors.oneOf(spec.path("concurrencyPolicy"), "spec.concurrencyPolicy", "Allow", "Forbid", "Replace");
        errors.nonNegative(spec.path("startingDeadlineSeconds"), "spec.startingDeadlineSeconds");
        errors.nonNegative(spec.path("successfulJobsHistoryLimit"), "spec.successfulJobsHistoryLimit");
        errors.nonNegative(spec.path("failedJobsHistoryLimit"), "spec.failedJobsHistoryLimit");
        job(spec.path("jobTemplate").path("spec"), "spec.jobTemplate.spec", errors);
    }

    private static void replicasAndHistory(JsonNode spec, Errors errors) {
        errors.nonNegative(spec.path("replicas"), "spec.replicas");
        errors.nonNegative(spec.path("revisionHistoryLimit"), "spec.revisionHistoryLimit");
    }

    /** maxUnavailable and maxSurge: int or percent, at most 100%, not both zero. */
    private static void rollingUpdate(JsonNode ru, String path, Errors errors) {
        if (!ru.isObject()) {
            return;
        }
        errors.intOrPercent(ru.path("maxUnavailable"), path + ".maxUnavailable", true);
        errors.intOrPercent(ru.path("maxSurge"), path + ".maxSurge", false);
        if (Errors.amount(ru.path("maxUnavailable")) == 0 && Errors.amount(ru.path("maxSurge")) == 0) {
            errors.add(FieldError.invalid(
                    path + ".maxUnavailable", ru.path("maxUnavailable"), "may not be 0 when `maxSurge` is 0"));
        }
    }

    private static void template(JsonNode spec, Errors errors, String... restartPolicies) {
        JsonNode podSpec = spec.path("template").path("spec");
        if (!podSpec.isObject()) {
            errors.add(FieldError.required("spec.template", null));
            return;
        }
        PodSpecRules.validate(podSpec, "spec.template.spec", errors, restartPolicies);
    }
}
