package io.alfred.gitops.reconcile;

import io.alfred.gitops.Revision;
import io.alfred.gitops.Stage;
import io.alfred.gitops.StageException;
import io.alfred.gitops.change.Change;
import io.alfred.gitops.config.Settings;
import io.alfred.gitops.promotion.PromotionDecision;
import io.alfred.gitops.render.RenderResult;
import io.alfred.gitops.source.Redactor;
import io.alfred.gitops.state.Suspension;
import io.alfred.gitops.trigger.Trigger;
import io.alfred.gitops.verify.Signer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** What the daemon knows about its last cycles; read by {@code GET /status}. */
@ApplicationScoped
public class SyncStatus {
    static final int RECENT = 20;
    static final int DIFF_CHARS_KEPT = 256 * 1024;

    /** The JSON document of {@code GET /status}. */
    public record View(
            String cluster,
            String environment,
            Source source,
            String lastFetchedRevision,
            String lastAttemptedRevision,
            String lastAppliedRevision,
            String lastResult,
            Failure lastError,
            Render lastRender,
            String lastChanges,
            String failedRevision,
            int inventorySize,
            boolean leader,
            Instant lastCycleAt,
            Instant nextScheduledAt,
            List<Workload> workloads,
            Suspension suspension,
            List<Conflict> conflicts,
            Verified verified,
            Held held,
            Promotion promotion,
            Running running) {}

    /** The cycle in progress: its stage (fetch, verify, render, plan, apply, wait), since when; null between cycles. */
    public record Running(String stage, String revision, Instant since) {}

    /**
     * One of the last cycles that did something or ended badly, with its change set (diffs included;
     * a Secret's values never: the plan hides them), for the dashboard.
     */
    /**
     * @param trigger what started it ({@code startup}, {@code webhook}, ...; empty when unknown)
     * @param stagesMs the time spent per stage (fetch, render, plan, gate, apply, wait, prune), in order
     * @param pushToAppliedMs from the push notice's arrival to the cycle's end; -1 when no push started it
     */
    public record RecentCycle(
            Instant at,
            String revision,
            String outcome,
            long durationMs,
            boolean drift,
            List<Change> changes,
            List<String> findings,
            String problem,
            String trigger,
            Map<String, Long> stagesMs,
            long pushToAppliedMs) {}

    /** The newest revision, held back by a gate ({@code verify}, {@code promotion}) while the applied one stays. */
    public record Held(String revision, String gate, String reason) {}

    /** The promotion gate's last word on the newest revision: promoted, waiting or refused, and why. */
    public record Promotion(String revision, String state, String reason) {}

    /** The newest revision that passed the verify stage, and who signed it (null: verification is off). */
    public record Verified(String revision, Signer signer) {}

    /** An object the daemon stopped correcting because another writer keeps changing it back. */
    public record Conflict(String object, String manager, int corrections, Instant since) {}

    /** A workload's (or custom resource's) health when the last cycle that changed it finished waiting. */
    public record Workload(String object, String health, String message) {}

    public record Source(String url, String ref, String path, String interval) {}

    public record Failure(String stage, String object, String message, Instant at) {}

    public record Render(String revision, int objects, long durationMs, List<String> warnings) {}

    private String cluster;
    private String environment;
    private Source source;
    private String lastFetchedRevision;
    private String lastAttemptedRevision;
    private String lastAppliedRevision;
    private String lastResult = "idle";
    private Failure lastError;
    private Render lastRender;
    private String lastChanges;
    private String failedRevision;
    private boolean leader = true;
    private int inventorySize;
    private Instant lastCycleAt;
    private Instant nextScheduledAt;
    private List<Workload> workloads = List.of();
    private Suspension suspension = Suspension.none();
    private List<Conflict> conflicts = List.of();
    private Verified verified;
    private Held held;
    private Promotion promotion;
    private Running running;
    private final Deque<RecentCycle> recent = new ArrayDeque<>();
    private final Map<Stage, Duration> stagesInFlight = new EnumMap<>(Stage.class);

    public synchronized View view() {
        return new View(
                cluster,
                environment,
                source,
                lastFetchedRevision,
                lastAttemptedRevision,
                lastAppliedRevision,
                lastResult,
                lastError,
                lastRender,
                lastChanges,
                failedRevision,
                inventorySize,
                leader,
                lastCycleAt,
                nextScheduledAt,
                workloads,
                suspension,
                conflicts,
                verified,
                held,
                promotion,
                running);
    }

    public synchronized void conflicts(List<Conflict> now) {
        conflicts = List.copyOf(now);
    }

    public synchronized void suspension(Suspension s) {
        suspension = s;
    }

    public synchronized void configure(Settings s) {
        cluster = s.cluster().name();
        environment = s.cluster().environment();
        source = new Source(
                Redactor.url(s.source().url()),
                s.source().ref(),
                s.source().path(),
                s.source().interval().toString());
    }

    public synchronized void scheduled(Instant next) {
        nextScheduledAt = next;
    }

    /** The cycle in progress reached {@code stage}; null when it ended. */
    public synchronized void stage(Stage stage, String revision) {
        running = stage == null
                ? null
                : new Running(
                        stage.label(),
                        revision,
                        running != null && running.stage().equals(stage.label()) ? running.since() : Instant.now());
    }

    /** The last {@value #RECENT} cycles that changed something, failed or were refused, newest first. */
    public synchronized List<RecentCycle> recentCycles() {
        return List.copyOf(recent);
    }

    public synchronized void held(Held now) {
        held = now;
    }

    public synchronized void promotion(String revision, PromotionDecision decision) {
        promotion = new Promotion(revision, decision.state().name().toLowerCase(Locale.ROOT), decision.reason());
    }

    /** The revision passed the verify stage; {@code signer} empty when verification is off. */
    public synchronized void verified(String revision, Optional<Signer> signer) {
        verified = signer.map(s -> new Verified(revision, s)).orElse(null);
    }

    public synchronized void fetched(String revision) {
        lastFetchedRevision = revision;
        lastAttemptedRevision = revision;
    }

    public synchronized void rendered(RenderResult r) {
        lastRender = new Render(
                r.revision().sha(), r.manifests().size(), r.duration().toMillis(), r.warnings());
    }

    public synchronized void leader(boolean leading) {
        leader = leading;
    }

    /** The revision whose rollout failed and was rolled back, or null. */
    public synchronized void failedRevision(String revision) {
        failedRevision = revision;
    }

    /** A stage of the cycle in flight took this long (fetch, render: the reconcile's come with its result). */
    public synchronized void took(Stage stage, Duration took) {
        stagesInFlight.merge(stage, took, Duration::plus);
    }

    public synchronized void cycle(CycleResult result, int inventorySize) {
        cycle(result, inventorySize, null);
    }

    /** A cycle ended; {@code trigger} started it (null: a rollback's, which the cycle before it reports). */
    public synchronized void cycle(CycleResult result, int inventorySize, Trigger trigger) {
        lastCycleAt = Instant.now();
        running = null;
        Map<Stage, Duration> stages = new EnumMap<>(Stage.class);
        stages.putAll(stagesInFlight);
        result.stageDurations().forEach((stage, d) -> stages.merge(stage, d, Duration::plus));
        stagesInFlight.clear();
        if (result.error() != null) {
            // the stage that failed never finished its lap: it had what the reconcile's laps leave of its time
            Duration lapped = result.stageDurations().values().stream().reduce(Duration.ZERO, Duration::plus);
            Duration rest = result.duration().minus(lapped);
            if (!rest.isNegative() && !rest.isZero()) {
                stages.merge(result.error().stage(), rest, Duration::plus);
            }
        }
        long totalMs = Math.max(
                result.duration().toMillis(),
                stages.values().stream().mapToLong(Duration::toMillis).sum());
        if (result.outcome() != CycleResult.Outcome.NOOP) {
            String problem = result.error() != null
                    ? result.error().getMessage()
                    : result.refusal() != null ? result.refusal().getMessage() : "";
            Map<String, Long> stagesMs = new LinkedHashMap<>();
            stages.forEach((stage, d) -> stagesMs.put(stage.label(), d.toMillis()));
            boolean pushed = trigger != null
                    && (trigger.kind() == Trigger.Kind.WEBHOOK || trigger.kind() == Trigger.Kind.PUBSUB);
            remember(new RecentCycle(
                    lastCycleAt,
                    Revision.shaOf(result.revision()),
                    result.outcome().name().toLowerCase(Locale.ROOT),
                    totalMs,
                    result.drift(),
                    withDiffsBounded(result.changes().effective()),
                    result.findings(),
                    problem,
                    trigger == null
                            ? ""
                            : (result.drift() ? "drift" : trigger.kind().label()),
                    Collections.unmodifiableMap(stagesMs),
                    pushed ? Duration.between(trigger.received(), lastCycleAt).toMillis() : -1));
        }
        lastResult = result.outcome().name().toLowerCase();
        this.inventorySize = inventorySize;
        switch (result.outcome()) {
            case SUCCEEDED, NOOP -> {
                lastAppliedRevision = result.revision().sha();
                lastError = null;
                if (result.outcome() == CycleResult.Outcome.SUCCEEDED) {
                    lastChanges = result.changes().summary();
                    workloads = result.workloads().stream()
                            .map(w -> new Workload(
                                    w.ref().toString(),
                                    w.health().state().label(),
                                    w.health().message()))
                            .toList();
                }
            }
            case FAILED ->
                lastError = new Failure(
                        result.error().stage().label(),
                        result.error().object(),
                        result.error().getMessage(),
                        lastCycleAt);
            case BLOCKED ->
                lastError = new Failure(
                        "blocked", result.refusal().object(), result.refusal().getMessage(), lastCycleAt);
            default -> throw new IllegalStateException();
        }
    }

    /**
     * The changes of a recent cycle, with diffs only up to {@value #DIFF_CHARS_KEPT} characters in
     * all: the dashboard shows a cycle's first diffs, and {@value #RECENT} cycles of thousands of
     * objects would otherwise hold every diff they made (4 MiB for a cold apply of 5,000 objects).
     */
    static List<Change> withDiffsBounded(List<Change> changes) {
        List<Change> out = new ArrayList<>(changes.size());
        int left = DIFF_CHARS_KEPT;
        for (Change c : changes) {
            if (c.diff().length() <= left) {
                left -= c.diff().length();
                out.add(c);
            } else {
                left = 0;
                String note = "diff not kept: this cycle's diffs passed " + DIFF_CHARS_KEPT / 1024
                        + " KiB; git diff of the two revisions shows the change";
                out.add(new Change(c.ref(), c.action(), "", c.note().isEmpty() ? note : c.note() + "; " + note));
            }
        }
        return out;
    }

    private void remember(RecentCycle cycle) {
        recent.addFirst(cycle);
        while (recent.size() > RECENT) {
            recent.removeLast();
        }
    }

    public synchronized void failed(String revision, StageException e) {
        running = null;
        remember(new RecentCycle(
                Instant.now(), revision, "failed", 0, false, List.of(), List.of(), e.getMessage(), "", Map.of(), -1));
        stagesInFlight.clear();
        if (revision != null) {
            lastAttemptedRevision = revision;
        }
        lastResult = "failed";
        lastError = new Failure(e.stage().label(), e.object(), e.getMessage(), Instant.now());
        lastCycleAt = Instant.now();
    }
}
