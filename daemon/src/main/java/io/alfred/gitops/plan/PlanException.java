package io.alfred.gitops.plan;

import io.alfred.gitops.Stage;
import io.alfred.gitops.StageException;
import java.util.List;

/**
 * Objects the cluster would refuse. Nothing of the plan is applied: the message names the first
 * object and carries the API server's message, then lists the others.
 */
public class PlanException extends StageException {
    public PlanException(String object, String reason, List<String> rejections) {
        super(
                Stage.PLAN,
                object,
                reason
                        + (rejections.size() > 1
                                ? " (and " + (rejections.size() - 1) + " more: "
                                        + String.join("; ", rejections.subList(1, rejections.size())) + ")"
                                : ""));
    }

    /**
     * Objects whose change the server refuses for immutable fields and that may not be recreated
     * ({@link Recreation}): each named with its fields and what to do.
     */
    public static PlanException immutable(List<PlannedObject> objects) {
        List<String> lines =
                objects.stream().map(o -> o.desired().ref() + ": " + o.note()).toList();
        PlannedObject first = objects.get(0);
        return new PlanException(first.desired().ref().toString(), first.note(), lines);
    }
}
