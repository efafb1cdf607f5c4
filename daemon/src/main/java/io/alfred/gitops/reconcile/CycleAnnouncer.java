package io.alfred.gitops.reconcile;

import io.alfred.gitops.Revision;
import io.alfred.gitops.change.Action;
import io.alfred.gitops.change.Change;
import io.alfred.gitops.change.ChangeSet;
import io.alfred.gitops.events.ClusterEventRecorder;
import io.alfred.gitops.events.ClusterEventRecorder.Note;
import io.alfred.gitops.events.ClusterEventRecorder.Type;
import io.alfred.gitops.prune.InventoryStore;
import io.alfred.gitops.render.ObjectRef;
import io.alfred.gitops.state.Suspension;
import io.alfred.gitops.trigger.Trigger;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What a cycle tells {@code kubectl get events}: its outcome on the inventory ConfigMap, and on
 * each object it created, configured or pruned what it did ("configured by alfred-gitops at
 * f099837: image: web:2"). Notes come from the change set's diffs, which never hold Secret values.
 */
final class CycleAnnouncer {
    /**
     * Events on objects per cycle: a cold apply of 5,000 objects must not cost 10,000 requests;
     * the rest is one note on the inventory (the history and the deploy events have every object).
     */
    static final int MAX_OBJECT_EVENTS = 100;

    private final ClusterEventRecorder recorder;
    private final ObjectRef inventory;

    CycleAnnouncer(ClusterEventRecorder recorder, String namespace) {
        this.recorder = recorder;
        this.inventory = ObjectRef.of("v1", "ConfigMap", namespace, InventoryStore.NAME);
    }

    void cycleEnded(CycleResult result, Trigger trigger, String subject) {
        String at = "at " + result.revision().abbreviated() + (subject.isEmpty() ? "" : " \"" + subject + "\"");
        switch (result.outcome()) {
            case SUCCEEDED -> {
                recorder.record(
                        inventory,
                        Type.Normal,
                        result.drift() ? "DriftCorrected" : "Synced",
                        "Reconcile",
                        (result.drift() ? "put back changes made outside git " : "applied ") + at + ": "
                                + result.changes().summary() + " in "
                                + result.duration().toMillis() + " ms (trigger "
                                + trigger.kind().label() + ")");
                objects(result.changes(), result.revision(), result.drift() ? "corrected" : null);
            }
            case FAILED ->
                recorder.record(
                        inventory,
                        Type.Warning,
                        "SyncFailed",
                        "Reconcile",
                        at + ": "
                                + result.error()
                                        .getMessage()
                                        .lines()
                                        .findFirst()
                                        .orElse(""));
            case BLOCKED ->
                recorder.record(
                        inventory,
                        Type.Warning,
                        "Blocked",
                        "Reconcile",
                        at + ": "
                                + result.refusal()
                                        .getMessage()
                                        .lines()
                                        .findFirst()
                                        .orElse(""));
            case NOOP -> {
                // a quiet cycle says nothing, here as on Pub/Sub
            }
            default -> throw new IllegalStateException();
        }
    }

    void rolledBack(Revision failed, Revision restored, ChangeSet changes) {
        recorder.record(
                inventory,
                Type.Warning,
                "RolledBack",
                "Rollback",
                "the rollout of " + failed.abbreviated() + " failed; " + restored.abbreviated() + " applied again ("
                        + changes.summary() + ")");
        List<Note> notes = new ArrayList<>();
        for (Change c : changes.effective()) {
            notes.add(new Note(
                    c.ref(),
                    Type.Warning,
                    "RolledBack",
                    "Rollback",
                    "rolled back by alfred-gitops to " + restored.abbreviated() + " after the rollout of "
                            + failed.abbreviated() + " failed" + what(c)));
        }
        recorder.recordAll(notes);
    }

    void suspension(Suspension s) {
        recorder.record(inventory, Type.Normal, s.suspended() ? "Suspended" : "Resumed", "Suspend", s.describe());
    }

    private void objects(ChangeSet changes, Revision revision, String verb) {
        List<Note> notes = new ArrayList<>();
        int recorded = 0;
        for (Change c : changes.effective()) {
            String reason = switch (c.action()) {
                case CREATED -> "Created";
                case CONFIGURED -> "Configured";
                case RECREATED -> "Recreated";
                case DELETED -> "Pruned";
                default -> null;
            };
            if (reason == null || recorded++ >= MAX_OBJECT_EVENTS) {
                continue;
            }
            String done = verb != null && c.action() == Action.CONFIGURED
                    ? verb
                    : c.action() == Action.DELETED ? "pruned" : c.action().label();
            notes.add(new Note(
                    c.ref(),
                    Type.Normal,
                    reason,
                    c.action() == Action.DELETED ? "Prune" : "Apply",
                    done + " by alfred-gitops at " + revision.abbreviated() + what(c)));
        }
        recorder.recordAll(notes);
        if (recorded > MAX_OBJECT_EVENTS) {
            recorder.record(
                    inventory,
                    Type.Normal,
                    "ManyChanges",
                    "Apply",
                    (recorded - MAX_OBJECT_EVENTS)
                            + " more objects changed at " + revision.abbreviated()
                            + " than get an Event of their own ("
                            + MAX_OBJECT_EVENTS + "); alfred-gitops status and the deploy events list them all");
        }
    }

    /** ": image: web:2; replicas: 3" from the diff's added lines, or nothing. */
    static String what(Change c) {
        String added = c.diff()
                .lines()
                .filter(l -> l.startsWith("+") && !l.startsWith("+++"))
                .map(l -> l.substring(1).trim())
                .filter(l -> !l.isEmpty() && !l.equals("-"))
                .limit(3)
                .collect(Collectors.joining("; "));
        if (c.action() == Action.RECREATED) {
            return ": " + c.note();
        }
        return added.isEmpty() || c.action() != Action.CONFIGURED ? "" : ": " + added;
    }
}
