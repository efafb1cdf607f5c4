package io.alfred.gitops.plan;

import com.fasterxml.jackson.databind.JsonNode;
import io.alfred.gitops.change.Action;
import io.alfred.gitops.change.Change;
import io.alfred.gitops.render.Manifest;

/**
 * One rendered object after planning.
 *
 * @param desired what git says, with the managed-by label
 * @param live the object in the cluster, or null
 * @param wouldBe what the server-side dry run says the object would become, or null when not asked
 * @param validated false when the server could not validate it yet (its namespace or CRD is new)
 * @param takeovers fields the apply takes from other field managers ({@link FieldTakeover})
 */
public record PlannedObject(Manifest desired, JsonNode live, JsonNode wouldBe, Action action, String diff,
        boolean validated, java.util.List<String> takeovers) {

    public PlannedObject(Manifest desired, JsonNode live, JsonNode wouldBe, Action action, String diff, boolean validated) {
        this(desired, live, wouldBe, action, diff, validated, java.util.List.of());
    }

    public Change change() {
        String note = !validated ? "not validated: its namespace or CRD is new"
                : takeovers.isEmpty() ? "" : "fields taken over from " + String.join("; ", takeovers);
        return new Change(desired.ref(), action, diff, note);
    }
}
