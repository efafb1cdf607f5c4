package io.alfred.gitops.drift;

import io.alfred.gitops.render.ObjectRef;
import java.time.Duration;
import java.time.Instant;

/**
 * An object the daemon stopped correcting: {@code manager} (from its managedFields) changed it back
 * {@code corrections} times within {@code window}.
 */
public record DriftConflict(ObjectRef ref, String manager, int corrections, Duration window, Instant since) {

    public String describe() {
        return ref + " is changed back by " + manager + " (" + corrections + " times within " + window.toMinutes()
                + "m): not corrected until git changes it or " + manager + " stops";
    }
}
