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
}
