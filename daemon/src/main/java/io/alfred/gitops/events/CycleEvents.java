package io.alfred.gitops.events;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.alfred.gitops.StageException;
import io.alfred.gitops.change.Change;
import io.alfred.gitops.change.ChangeSet;
import io.alfred.gitops.drift.DriftConflict;
import io.alfred.gitops.health.ObjectHealth;
import io.alfred.gitops.safety.GateRefusal;
import io.alfred.gitops.trigger.Trigger;
import io.alfred.gitops.verify.Signer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The events of one cycle, in order, with what an auditor needs: the trigger and who pushed, the
 * revision and the previous one, the change set (kind, namespace, name, action; never a diff or a
 * value), the stage and cause of a failure, the gate of a refusal, durations.
 */
public final class CycleEvents {
    private final EventSink sink;
    private final String cluster;
    private final String environment;
    private final Trigger trigger;
    private final String revision;
    private final String previousRevision;
    private Optional<Signer> signer = Optional.empty();
    private boolean started;

    public CycleEvents(
            EventSink sink,
            String cluster,
            String environment,
            Trigger trigger,
            String revision,
            String previousRevision) {
        this.sink = sink;
        this.cluster = cluster;
        this.environment = environment;
        this.trigger = trigger;
        this.revision = revision;
        this.previousRevision = previousRevision;
    }

    public void started(boolean drift) {
        if (started) {
            return;
        }
        started = true;
        ObjectNode data = data();
        ObjectNode t = data.putObject("trigger")
                .put("kind", drift ? "drift" : trigger.kind().label());
        if (trigger.id() != null) {
            t.put("id", trigger.id());
        }
        if (trigger.actor() != null) {
            t.put("actor", trigger.actor());
        }
        if (trigger.revision() != null) {
            t.put("announcedRevision", trigger.revision());
        }
        emit(EventType.STARTED, data);
    }

    public void planned(ChangeSet changes) {
        started(false);
        emit(EventType.PLANNED, withChanges(data(), changes));
    }

    public void applied(ChangeSet changes, boolean drift) {
        emit(drift ? EventType.DRIFT_CORRECTED : EventType.APPLIED, withChanges(data(), changes));
    }

    public void succeeded(ChangeSet changes, Duration duration, List<String> findings, List<ObjectHealth> workloads) {
        ObjectNode data = withChanges(data(), changes);
        data.put("durationMs", duration.toMillis());
        if (!findings.isEmpty()) {
            ArrayNode f = data.putArray("safetyFindings");
            findings.forEach(f::add);
        }
        if (!workloads.isEmpty()) {
            ArrayNode w = data.putArray("workloads");
            workloads.forEach(o -> w.addObject()
                    .put("kind", o.ref().kind())
                    .put("namespace", o.ref().namespace())
                    .put("name", o.ref().name())
                    .put("health", o.health().state().label())
                    .put("message", o.health().message()));
        }
        emit(EventType.SUCCEEDED, data);
    }

    public void failed(StageException error, Duration duration) {
        started(false);
        ObjectNode data = data().put("stage", error.stage().label())
                .put("object", error.object())
                .put("cause", error.reason())
                .put("durationMs", duration.toMillis());
        emit(EventType.FAILED, data);
    }

    public void blocked(GateRefusal refusal, Duration duration) {
        started(false);
        ObjectNode data = data().put("gate", refusal.gate().label())
                .put("object", refusal.object())
                .put("reason", refusal.getMessage())
                .put("durationMs", duration.toMillis());
        emit(EventType.BLOCKED, data);
    }

    /** A new revision reached with nothing to change (no other event of the cycle is published). */
    public void reached(Duration duration) {
        emit(EventType.REACHED, data().put("durationMs", duration.toMillis()));
    }

    /** The last good revision was applied again after this cycle's revision failed its rollout. */
    public void rolledBack(String restored, ChangeSet changes, Duration duration) {
        ObjectNode data = withChanges(data(), changes);
        data.put("failedRevision", revision).put("restoredRevision", restored).put("durationMs", duration.toMillis());
        emit(EventType.ROLLEDBACK, data);
    }

    /** {@code alfred-gitops suspend} or {@code resume} took effect: who, why, since when. */
    public void suspension(boolean suspended, String by, String reason, String since) {
        emit(
                suspended ? EventType.SUSPENDED : EventType.RESUMED,
                data().put("by", by).put("reason", reason).put("since", since));
    }

    /** An object the daemon stopped correcting, and the writer it would otherwise fight with. */
    public void conflict(DriftConflict c) {
        ObjectNode data = data().put("manager", c.manager())
                .put("corrections", c.corrections())
                .put("windowSeconds", c.window().toSeconds())
                .put("since", c.since().toString());
        data.putObject("object")
                .put("kind", c.ref().kind())
                .put("namespace", c.ref().namespace())
                .put("name", c.ref().name());
        emit(EventType.DRIFT_CONFLICT, data);
    }

    /** The revision of the cycle (null before it was fetched). */
    /** The revision applied before this cycle, or null. */
    public String previous() {
        return previousRevision;
    }

    public String revision() {
        return revision;
    }

    /** Who signed the revision (the verify stage): carried in the data of every event of the cycle from now. */
    public void signedBy(Optional<Signer> verifiedSigner) {
        this.signer = verifiedSigner;
    }

    private ObjectNode data() {
        ObjectNode data = DeployEvent.JSON
                .createObjectNode()
                .put("cluster", cluster)
                .put("environment", environment)
                .put("revision", revision)
                .put("previousRevision", previousRevision);
        signer.ifPresent(s -> data.putObject("signer")
                .put("format", s.format())
                .put("fingerprint", s.fingerprint())
                .put("identity", s.identity()));
        return data;
    }

    private static ObjectNode withChanges(ObjectNode data, ChangeSet changes) {
        data.put("summary", changes.summary());
        ArrayNode list = data.putArray("changes");
        for (Change c : changes.effective()) {
            ObjectNode o = list.addObject()
                    .put("kind", c.ref().kind())
                    .put("namespace", c.ref().namespace())
                    .put("name", c.ref().name())
                    .put("action", c.action().label());
            if (!c.note().isEmpty()) {
                o.put("note", c.note());
            }
        }
        return data;
    }

    private void emit(EventType type, ObjectNode data) {
        sink.emit(new DeployEvent(
                UUID.randomUUID().toString(), type, DeployEvent.now(), cluster, environment, revision, data));
    }
}
