package io.alfred.gitops.plan;

/** What planning one object gives: its plan, or the reason the cluster refuses it. */
sealed interface ObjectPlan {
    record Planned(PlannedObject object) implements ObjectPlan {}

    record Refused(String reason) implements ObjectPlan {}
}
