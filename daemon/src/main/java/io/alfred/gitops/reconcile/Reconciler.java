package io.alfred.gitops.reconcile;

import io.alfred.gitops.Stage;
import io.alfred.gitops.StageException;
import io.alfred.gitops.apply.Applier;
import io.alfred.gitops.apply.RolloutWaiter;
import io.alfred.gitops.change.Action;
import io.alfred.gitops.change.ChangeSet;
import io.alfred.gitops.cluster.KnownUids;
import io.alfred.gitops.cluster.ServerMessage;
import io.alfred.gitops.config.ApplySettings;
import io.alfred.gitops.health.Health;
import io.alfred.gitops.health.ObjectHealth;
import io.alfred.gitops.plan.Baseline;
import io.alfred.gitops.plan.ClusterKinds;
import io.alfred.gitops.plan.LiveView;
import io.alfred.gitops.plan.Plan;
import io.alfred.gitops.plan.PlanException;
import io.alfred.gitops.plan.PlannedObject;
import io.alfred.gitops.plan.Planner;
import io.alfred.gitops.prune.Inventory;
import io.alfred.gitops.prune.InventoryEntry;
import io.alfred.gitops.prune.InventoryStore;
import io.alfred.gitops.prune.Pruner;
import io.alfred.gitops.render.Manifest;
import io.alfred.gitops.render.ObjectRef;
import io.alfred.gitops.render.RenderResult;
import io.alfred.gitops.safety.GateRefusal;
import io.alfred.gitops.safety.HpaAwareness;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.stream.Collectors;

/**
 * One reconcile cycle on a rendered revision (docs/design.md, "How it works"): bootstrap the render's new
 * Namespaces and CRDs, plan everything (all or nothing), check the gates, apply the changes, prune
 * what left git, record the inventory.
 *
 * <p>The inventory is written as "previous plus everything about to be applied" before any write
 * and as "what is rendered" after pruning, so a crash in between neither loses track of an object
 * nor deletes one that is still rendered.
 */
public final class Reconciler implements AutoCloseable {
    private final KubernetesClient client;
    private final ApplySettings settings;
    private final ExecutorService pool;
    private final Planner planner;
    private final Applier applier;
    private final RolloutWaiter waiter;
    private final Pruner pruner;
    private final InventoryStore inventoryStore;
    private final Gates gates;
    private final Foundations foundations;
    private final RenderDigest digests = new RenderDigest();
    private final KnownUids uids;

    /** Built by {@link Wiring#reconciler}; {@code pool} runs the API calls of the planner and the applier. */
    Reconciler(
            KubernetesClient client,
            ApplySettings settings,
            ExecutorService pool,
            Planner planner,
            Applier applier,
            RolloutWaiter waiter,
            Pruner pruner,
            InventoryStore inventoryStore,
            Foundations foundations,
            Gates gates,
            KnownUids uids) {
        this.client = client;
        this.uids = uids;
        this.settings = settings;
        this.pool = pool;
        this.planner = planner;
        this.applier = applier;
        this.waiter = waiter;
        this.pruner = pruner;
        this.inventoryStore = inventoryStore;
        this.gates = gates;
        this.foundations = foundations;
    }

    /** The uids of the objects this reconciler applied, from the applies' answers (for their Events). */
    public KnownUids knownUids() {
        return uids;
    }

    public Inventory inventory() {
        return inventoryStore.load();
    }

    /** What a cycle would do, without writing anything (the {@code diff} command). */
    public ChangeSet diff(RenderResult render) {
        DryPlan dry = dryPlan(render, true);
        return dry.plan().changeSet().plus(Work.deletions(toPrune(dry.inventory(), dry.manifests())));
    }

    /** A render planned without a write, what {@link #diff} and {@link #forecast} share. */
    private record DryPlan(Inventory inventory, List<Manifest> manifests, Plan plan) {}

    /**
     * Plans {@code render} against the live cluster, Namespaces and CRDs it would create planned as
     * missing, nothing written.
     *
     * @param trustApplied as in a cycle: when exactly this render was applied in full before, an
     *     object that holds every field git gives it needs no dry run; false dry-runs every object
     */
    private DryPlan dryPlan(RenderResult render, boolean trustApplied) {
        Inventory inventory = inventoryStore.load();
        List<Manifest> manifests = new HpaAwareness(client, settings.fieldManager()).apply(render.manifests());
        ClusterKinds kinds = new ClusterKinds(client);
        boolean seenBefore = trustApplied && digests.of(manifests).equals(inventory.renderDigest());
        Plan plan = planner.plan(
                manifests, kinds, foundations.missing(manifests, kinds), Baseline.of(seenBefore, LiveView.NONE));
        return new DryPlan(inventory, manifests, plan);
    }

    /**
     * What a cycle of this render would do and which gates would refuse it, without writing anything
     * (a pull request's preview): every object is dry-run, as for a revision never applied.
     */
    public Forecast forecast(RenderResult render) {
        DryPlan dry = dryPlan(render, false);
        Plan plan = dry.plan();
        List<GateRefusal> refusals = new ArrayList<>();
        List<String> findings = new ArrayList<>(leftToHpas(render.manifests(), dry.manifests()));
        refusing(refusals, () -> gates.checkEmptyRender(dry.manifests()));
        List<InventoryEntry> toPrune = toPrune(dry.inventory(), dry.manifests());
        refusing(refusals, () -> gates.checkPruneGuard(toPrune, dry.inventory()));
        refusing(refusals, () -> gates.checkBudgets(plan, findings));
        List<String> immutable =
                plan.immutable().stream().map(p -> p.desired().ref().toString()).toList();
        return new Forecast(
                plan.changeSet().plus(Work.deletions(toPrune)),
                toPrune.stream().map(InventoryEntry::ref).toList(),
                refusals,
                immutable,
                findings);
    }

    /**
     * A cycle's outcome, foretold.
     *
     * @param changes what would be created, configured, recreated or deleted, with diffs
     * @param pruned the objects pruning would delete (also in {@code changes})
     * @param refusals the gates of the plan that would refuse it (empty render, prune guard, budgets)
     * @param immutable objects whose immutable fields change and that may not be recreated: the cycle would fail
     * @param findings what would be said without refusing (scale steps, budget warnings)
     */
    public record Forecast(
            ChangeSet changes,
            List<ObjectRef> pruned,
            List<GateRefusal> refusals,
            List<String> immutable,
            List<String> findings) {}

    /** The workloads whose replicas an HPA keeps ({@link HpaAwareness}), as findings. */
    private static List<String> leftToHpas(List<Manifest> rendered, List<Manifest> applied) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < rendered.size(); i++) {
            var git = rendered.get(i).body().path("spec").path("replicas");
            var sent = applied.get(i).body().path("spec").path("replicas");
            if (!git.isMissingNode() && !git.equals(sent)) {
                out.add("hpa: " + rendered.get(i).ref().slashed() + ": replicas left to its HorizontalPodAutoscaler"
                        + " (git says " + git.asText() + ")");
            }
        }
        return out;
    }

    private static void refusing(List<GateRefusal> refusals, Runnable gate) {
        try {
            gate.run();
        } catch (GateRefusal refusal) {
            refusals.add(refusal);
        }
    }

    /** The inventory entries that left git, to delete: none when pruning is off. */
    private List<InventoryEntry> toPrune(Inventory inventory, List<Manifest> manifests) {
        return settings.prune() ? inventory.without(keys(manifests)) : List.of();
    }

    /** Told of a cycle's progress, so that events go out as it happens. */
    public interface Listener {
        Listener NONE = new Listener() {};

        /** The plan found something to do (changes or prunes); called before the gates and the apply. */
        default void planned(ChangeSet planned, boolean drift) {}

        /** The changes were applied (before the rollout wait and the prune). */
        default void applied(ChangeSet done, boolean drift) {}
    }

    /**
     * What a cycle brings besides its render.
     *
     * @param view what the watches know of the live objects ({@link LiveView#NONE}: list them)
     * @param held objects not to correct in this cycle (a drift fight, see {@code DriftWatch}), by key
     * @param listener told of the cycle's progress
     */
    public record Context(LiveView view, Set<String> held, Listener listener) {
        /** No watches, nothing held, nobody told: a command, a rollback, a test. */
        public static final Context NONE = new Context(LiveView.NONE, Set.of(), Listener.NONE);
    }

    public CycleResult reconcile(RenderResult render) {
        return reconcile(render, Context.NONE);
    }

    public CycleResult reconcile(RenderResult render, Context context) {
        Attempt attempt = new Attempt(render.revision());
        try {
            return run(render, context, attempt);
        } catch (GateRefusal refusal) {
            return attempt.blocked(refusal);
        } catch (StageException e) {
            return attempt.failed(e);
        } catch (KubernetesClientException e) {
            return attempt.failed(unreachable(ServerMessage.of(e), e));
        } catch (RuntimeException e) {
            if (!connectionLost(e)) {
                throw e;
            }
            // a connection closed under a call fabric8 does not wrap (a watch, a wait): the same failure
            return attempt.failed(unreachable(e.getMessage(), e));
        }
    }

    /** The cycle as a script: bootstrap, plan, gates, apply, wait, prune, record. */
    private CycleResult run(RenderResult render, Context context, Attempt attempt) {
        Listener listener = context.listener();
        Inventory inventory = attempt.inventory(inventoryStore.load());
        List<Manifest> manifests = new HpaAwareness(client, settings.fieldManager()).apply(render.manifests());
        ClusterKinds kinds = new ClusterKinds(client);
        String digest = digests.of(manifests);
        // live objects may be trusted only when exactly this render was applied in full before:
        // then nothing was removed from git since, and a dry run could not find anything else
        boolean seenBefore = digest.equals(inventory.renderDigest());
        gates.checkEmptyRender(manifests);
        Foundations.Bootstrap bootstrap = foundations.bootstrap(manifests, inventory, kinds, context.view());
        inventory = attempt.inventory(bootstrap.inventory());

        Plan plan = planner.plan(manifests, kinds, Set.of(), Baseline.of(seenBefore, context.view()));
        attempt.timer.lap(Stage.PLAN);
        Work work = Work.of(plan, bootstrap.created(), toPrune(inventory, manifests), seenBefore);
        work = work.withoutHeld(seenBefore ? heldBack(work.changed(), context.held(), attempt.findings) : Set.of());
        if (work.writes()) {
            listener.planned(work.announced(), work.drift());
        }
        if (!plan.immutable().isEmpty()) {
            // all or nothing: no other object is applied while one cannot be
            throw PlanException.immutable(plan.immutable());
        }
        gates.checkPruneGuard(work.toPrune(), inventory);
        work = work.inSteps(gates.checkBudgets(plan, attempt.findings));
        attempt.timer.lap(Stage.GATE);

        List<InventoryEntry> rendered =
                manifests.stream().map(m -> InventoryEntry.of(m.ref())).toList();
        List<ObjectHealth> health = List.of();
        if (!work.changed().isEmpty()) {
            inventoryStore.save(attempt.inventory(inventory.union(rendered)), Stage.APPLY);
            health = applyAndWait(work, kinds, listener, attempt);
        } else if (!work.bootstrapped().isEmpty()) {
            listener.applied(work.changes(), work.drift());
        }
        ChangeSet pruned = pruner.prune(work.toPrune(), kinds);
        attempt.timer.lap(Stage.PRUNE);

        boolean wrote = !work.changed().isEmpty()
                || !work.bootstrapped().isEmpty()
                || pruned.changes().stream().anyMatch(c -> c.action() == Action.DELETED);
        // a render held back by scale steps was not applied in full: the next cycle plans it again, not as drift
        String revision = render.revision().sha();
        Inventory next = new Inventory(rendered, revision, revision, work.stepped() ? null : digest);
        if (wrote || !next.equals(inventory)) {
            inventoryStore.save(next, Stage.PRUNE);
        }
        attempt.inventory(next);
        ChangeSet changes = work.changes().plus(pruned);
        return wrote ? attempt.succeeded(changes, work.drift(), health) : attempt.noop(changes);
    }

    /** Applies the changes and waits for the workloads among them to roll out; their final health. */
    private List<ObjectHealth> applyAndWait(Work work, ClusterKinds kinds, Listener listener, Attempt attempt) {
        List<PlannedObject> rolling = RolloutWaiter.workloads(work.changed());
        Map<String, Integer> healthy = rolling.isEmpty()
                ? Map.of()
                : waiter.healthyBefore(rolling.stream()
                        .map(o -> o.desired().ref().namespace())
                        .distinct()
                        .toList());
        attempt.timer.lap(Stage.GATE);
        applier.apply(work.changed(), kinds);
        attempt.timer.lap(Stage.APPLY);
        listener.applied(work.changes(), work.drift());
        List<ObjectHealth> health = waiter.await(rolling, healthy);
        health.stream()
                .filter(w -> w.health().state() == Health.State.SUSPENDED)
                .forEach(w -> attempt.findings.add(w.line() + ": not waited for"));
        attempt.timer.lap(Stage.WAIT);
        return health;
    }

    private StageException unreachable(String cause, Exception e) {
        return new StageException(
                Stage.PLAN, client.getMasterUrl().toString(), "the API server is unreachable or failing: " + cause, e);
    }

    /**
     * Objects another writer keeps changing back ({@code held}) that this cycle would correct again:
     * left alone, each named in a finding. Only on a render applied before: a change in git is always
     * applied.
     */
    private static Set<String> heldBack(List<PlannedObject> changed, Set<String> held, List<String> findings) {
        Set<String> holding = new HashSet<>();
        for (PlannedObject p : changed) {
            if (held.contains(p.desired().ref().key())) {
                holding.add(p.desired().ref().key());
                findings.add(
                        p.desired().ref() + ": not corrected: another writer keeps changing it back (drift.conflict)");
            }
        }
        return holding;
    }

    /** An I/O failure anywhere in the cause chain: an IOException, or the HTTP client's closed connection. */
    static boolean connectionLost(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof IOException || t.getClass().getSimpleName().endsWith("ClosedException")) {
                return true;
            }
        }
        return false;
    }

    private static Set<String> keys(List<Manifest> manifests) {
        return manifests.stream().map(m -> m.ref().key()).collect(Collectors.toSet());
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
