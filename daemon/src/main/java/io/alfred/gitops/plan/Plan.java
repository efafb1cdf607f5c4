package io.alfred.gitops.plan;

import io.alfred.gitops.change.Action;
import io.alfred.gitops.change.ChangeSet;
import java.util.List;

/** Every rendered object with what applying it would do. */
public record Plan(List<PlannedObject> objects) {
    public Plan {
        objects = List.copyOf(objects);
    }

    public List<PlannedObject> toApply() {
        return objects.stream().filter(o -> o.action() != Action.UNCHANGED).toList();
    }

    /** Objects git changes in fields that cannot change, and that may not be recreated. */
    public List<PlannedObject> immutable() {
        return objects.stream().filter(o -> o.action() == Action.IMMUTABLE).toList();
    }

    public ChangeSet changeSet() {
        return new ChangeSet(objects.stream().map(PlannedObject::change).toList());
    }
}
