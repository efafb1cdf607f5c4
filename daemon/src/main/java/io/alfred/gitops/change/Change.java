package io.alfred.gitops.change;

import io.alfred.gitops.render.ObjectRef;

/**
 * One object's entry in a {@link ChangeSet}.
 *
 * @param diff unified YAML diff of what changes (never Secret values), empty when unchanged
 * @param note why, when the action needs explaining (e.g. a skipped prune)
 */
public record Change(ObjectRef ref, Action action, String diff, String note) {

    public static Change of(ObjectRef ref, Action action) {
        return new Change(ref, action, "", "");
    }

    /** {@code Kind/namespace/name action}, as Flux and kubectl print it. */
    public String line() {
        return ref.slashed() + " " + action.label() + (note.isEmpty() ? "" : " (" + note + ")");
    }
}
