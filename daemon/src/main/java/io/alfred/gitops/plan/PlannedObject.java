package io.alfred.gitops.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.alfred.gitops.change.Action;
import io.alfred.gitops.change.Change;
import io.alfred.gitops.render.Manifest;
import java.util.List;

/**
 * One rendered object after planning.
 *
 * @param desired what git says, with the managed-by label
 * @param live the object in the cluster, or null
 * @param wouldBe what the server-side dry run says the object would become, or null when not asked
 * @param validated false when the server could not validate it yet (its namespace or CRD is new)
 * @param takeovers fields the apply takes from other field managers ({@link FieldTakeover})
 * @param note why, for an object that is recreated or cannot be changed (immutable fields), else empty
 */
public record PlannedObject(
        Manifest desired,
        JsonNode live,
        JsonNode wouldBe,
        Action action,
        String diff,
        boolean validated,
        List<String> takeovers,
        String note) {

    public PlannedObject(
            Manifest desired, JsonNode live, JsonNode wouldBe, Action action, String diff, boolean validated) {
        this(desired, live, wouldBe, action, diff, validated, List.of(), "");
    }

    /** This object with {@code spec.replicas} set to a step on the way to git's count ({@code ScaleStep}). */
    public PlannedObject withReplicas(int replicas) {
        ObjectNode body = desired.body().deepCopy();
        body.withObject("/spec").put("replicas", replicas);
        JsonNode stepWouldBe = null;
        if (wouldBe != null) {
            ObjectNode copy = wouldBe.deepCopy();
            copy.withObject("/spec").put("replicas", replicas);
            stepWouldBe = copy;
        }
        return new PlannedObject(
                new Manifest(desired.ref(), body, desired.origin()),
                live,
                stepWouldBe,
                action,
                diff,
                validated,
                takeovers,
                note);
    }

    public Change change() {
        String why = !note.isEmpty()
                ? note
                : !validated
                        ? "not validated: its namespace or CRD is new"
                        : takeovers.isEmpty() ? "" : "fields taken over from " + String.join("; ", takeovers);
        return new Change(desired.ref(), action, diff, why);
    }
}
