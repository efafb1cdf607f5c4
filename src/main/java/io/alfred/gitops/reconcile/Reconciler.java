package io.alfred.gitops.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import io.alfred.gitops.Stage;
import io.alfred.gitops.StageException;
import io.alfred.gitops.apply.Applier;
import io.alfred.gitops.apply.RolloutWaiter;
import io.alfred.gitops.apply.WriteGuard;
import io.alfred.gitops.change.Action;
import io.alfred.gitops.change.Change;
import io.alfred.gitops.change.ChangeSet;
import io.alfred.gitops.cluster.NoAnswerRetry;
import io.alfred.gitops.config.ApplySettings;
import io.alfred.gitops.config.SafetySettings;
import io.alfred.gitops.health.Health;
import io.alfred.gitops.health.ObjectHealth;
import io.alfred.gitops.plan.ClusterKinds;
import io.alfred.gitops.plan.LiveView;
import io.alfred.gitops.plan.Plan;
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
import io.alfred.gitops.safety.PdbGate;
import io.alfred.gitops.safety.ScaleStep;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
    /** Concurrent API calls inside one stage. */
    static final int CONCURRENCY = 8;

    private final KubernetesClient client;
    private final ApplySettings settings;
    private final SafetySettings safety;
    private final PdbGate pdbGate;
    private final RolloutWaiter waiter;
    private final ExecutorService pool = Executors.newFixedThreadPool(CONCURRENCY, r -> {
        Thread t = new Thread(r, "gitops-api");
        t.setDaemon(true);
        return t;
    });
    private final Planner planner;
    private final Applier applier;
    private final Pruner pruner;
    private final InventoryStore inventoryStore;
    private volatile DigestMemo lastDigest;

    private volatile Set<String> held = Set.of();

    public Reconciler(KubernetesClient client, ApplySettings settings) {
        this(client, settings, SafetySettings.defaults());
    }

    public Reconciler(KubernetesClient client, ApplySettings settings, SafetySettings safety) {
        this(client, settings, safety, WriteGuard.ALWAYS);
    }

    /** @param guard asked before every write (leader election) */
    public Reconciler(KubernetesClient client, ApplySettings settings, SafetySettings safety, WriteGuard guard) {
        this.client = client;
        this.settings = settings;
        this.safety = safety;
        this.pdbGate = new PdbGate(client);
        this.waiter = new RolloutWaiter(client, safety.rolloutTimeout(), Duration.ofMillis(500));
        this.planner = new Planner(client, settings.fieldManager(), pool);
        this.applier = new Applier(client, settings.fieldManager(), pool, guard);
        this.pruner = new Pruner(guard);
        this.inventoryStore = new InventoryStore(client, settings.namespace(), settings.fieldManager(), guard);
    }

    /** Plans ask the watches' view of the live objects before listing them. */
    public void use(LiveView view) {
        planner.use(view);
    }

    public Inventory inventory() {
        return inventoryStore.load();
    }

    /** What a cycle would do, without writing anything (the {@code diff} command). */
    public ChangeSet diff(RenderResult render) {
        ClusterKinds kinds = new ClusterKinds(client);
        Plan plan = planner.plan(render.manifests(), kinds, missingFoundations(render.manifests(), kinds));
        Inventory inventory = inventoryStore.load();
        ChangeSet changes = plan.changeSet();
        if (settings.prune()) {
            List<InventoryEntry> gone = inventory.without(keys(render.manifests()));
            changes = changes.plus(new ChangeSet(
                    gone.stream().map(e -> Change.of(e.ref(), Action.DELETED)).toList()));
        }
        return changes;
    }

    /** Told of a cycle's progress, so that events go out as it happens. */
    public interface Listener {
        Listener NONE = new Listener() {};

        /** The plan found something to do (changes or prunes); called before the gates and the apply. */
        default void planned(ChangeSet planned, boolean drift) {}

        /** The changes were applied (before the rollout wait and the prune). */
        default void applied(ChangeSet done, boolean drift) {}
    }

    public CycleResult reconcile(RenderResult render) {
        return reconcile(render, Listener.NONE);
    }

    public CycleResult reconcile(RenderResult render, Listener listener) {
        long start = System.nanoTime();
        String revision = render.revision();
        List<String> findings = new ArrayList<>();
        Map<String, Duration> stages = new LinkedHashMap<>();
        long mark = System.nanoTime();
        int inventorySize = -1;
        try {
            Inventory inventory = inventoryStore.load();
            inventorySize = inventory.size();
            List<Manifest> manifests = new HpaAwareness(client, settings.fieldManager()).apply(render.manifests());
            ClusterKinds kinds = new ClusterKinds(client);
            String digest = digestOf(manifests);
            // live objects may be trusted only when exactly this render was applied in full before:
            // then nothing was removed from git since, and a dry run could not find anything else
            boolean seenBefore = digest.equals(inventory.renderDigest());

            checkEmptyRender(manifests);
            Set<String> bootstrapped = new HashSet<>();
            inventory = bootstrap(manifests, inventory, kinds, bootstrapped);
            inventorySize = inventory.size();

            Plan plan = planner.plan(manifests, kinds, Set.of(), seenBefore);
            mark = lap(stages, "plan", mark);
            List<InventoryEntry> toPrune = settings.prune() ? inventory.without(keys(manifests)) : List.of();
            List<PlannedObject> changed = plan.toApply();
            Set<String> holding = seenBefore ? heldBack(changed, findings) : Set.of();
            if (!holding.isEmpty()) {
                changed = changed.stream()
                        .filter(p -> !holding.contains(p.desired().ref().key()))
                        .toList();
            }
            ChangeSet changes = new ChangeSet(plan.changeSet().changes().stream()
                    .filter(c -> !holding.contains(c.ref().key()))
                    .map(c -> bootstrapped.contains(c.ref().key()) ? Change.of(c.ref(), Action.CREATED) : c)
                    .toList());
            boolean drift = seenBefore && !changed.isEmpty();
            if (!changed.isEmpty() || !toPrune.isEmpty() || !bootstrapped.isEmpty()) {
                listener.planned(
                        changes.plus(new ChangeSet(toPrune.stream()
                                .map(e -> Change.of(e.ref(), Action.DELETED))
                                .toList())),
                        drift);
            }
            checkPruneGuard(toPrune, inventory);
            Map<String, ScaleStep> steps = checkBudgets(plan, findings).stream()
                    .collect(Collectors.toMap(step -> step.workload().key(), step -> step));
            if (!steps.isEmpty()) {
                changed = inSteps(changed, steps);
                changes = noted(changes, steps);
            }

            List<InventoryEntry> rendered =
                    manifests.stream().map(m -> InventoryEntry.of(m.ref())).toList();
            List<ObjectHealth> workloadHealth = List.of();
            if (!changed.isEmpty()) {
                Inventory pending = inventory.union(rendered);
                inventoryStore.save(pending, Stage.APPLY);
                inventorySize = pending.size();
                List<PlannedObject> rolling = RolloutWaiter.workloads(changed);
                Map<String, Integer> healthy = rolling.isEmpty()
                        ? Map.of()
                        : waiter.healthyBefore(rolling.stream()
                                .map(o -> o.desired().ref().namespace())
                                .distinct()
                                .toList());
                mark = lap(stages, "gate", mark);
                applier.apply(changed, kinds);
                mark = lap(stages, "apply", mark);
                listener.applied(changes, drift);
                workloadHealth = waiter.await(rolling, healthy);
                workloadHealth.stream()
                        .filter(w -> w.health().state() == Health.State.SUSPENDED)
                        .forEach(w -> findings.add(w.line() + ": not waited for"));
                mark = lap(stages, "wait", mark);
            } else if (!bootstrapped.isEmpty()) {
                listener.applied(changes, drift);
            }
            ChangeSet pruned = pruner.prune(toPrune, kinds);
            lap(stages, "prune", mark);
            changes = changes.plus(pruned);
            boolean wrote = !changed.isEmpty()
                    || !bootstrapped.isEmpty()
                    || pruned.changes().stream().anyMatch(c -> c.action() == Action.DELETED);
            // a render held back by scale steps was not applied in full: the next cycle plans it again, not as drift
            Inventory next = new Inventory(rendered, revision, revision, steps.isEmpty() ? digest : null);
            if (wrote || !next.equals(inventory)) {
                inventoryStore.save(next, Stage.PRUNE);
            }
            return wrote
                    ? CycleResult.succeeded(
                            revision, changes, drift, elapsed(start), findings, stages, next.size(), workloadHealth)
                    : CycleResult.noop(revision, changes, elapsed(start), findings, stages, next.size());
        } catch (GateRefusal refusal) {
            return CycleResult.blocked(revision, refusal, elapsed(start), findings, stages, inventorySize);
        } catch (StageException e) {
            return CycleResult.failed(revision, e, elapsed(start), findings, stages, inventorySize);
        } catch (KubernetesClientException e) {
            StageException wrapped = new StageException(
                    Stage.PLAN,
                    client.getMasterUrl().toString(),
                    "the API server is unreachable or failing: " + Planner.serverMessage(e),
                    e);
            return CycleResult.failed(revision, wrapped, elapsed(start), findings, stages, inventorySize);
        } catch (RuntimeException e) {
            if (!connectionLost(e)) {
                throw e;
            }
            // a connection closed under a call fabric8 does not wrap (a watch, a wait): the same failure
            StageException wrapped = new StageException(
                    Stage.PLAN,
                    client.getMasterUrl().toString(),
                    "the API server is unreachable or failing: " + e.getMessage(),
                    e);
            return CycleResult.failed(revision, wrapped, elapsed(start), findings, stages, inventorySize);
        }
    }

    /**
     * Objects another writer keeps changing back ({@link #holdBack}) that this cycle would correct
     * again: left alone, each named in a finding. Only on a render applied before: a change in git is
     * always applied.
     */
    private Set<String> heldBack(List<PlannedObject> changed, List<String> findings) {
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

    /** Objects not to correct in the next cycles (a drift fight), by key; see {@code DriftWatch}. */
    public void holdBack(Set<String> keys) {
        this.held = Set.copyOf(keys);
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

    /**
     * A real API server cannot dry-run an object into a namespace, or of a kind, that does not exist
     * yet: the render's new Namespaces and CRDs are planned (dry run), then created, before the rest.
     */
    private Inventory bootstrap(
            List<Manifest> manifests, Inventory inventory, ClusterKinds kinds, Set<String> created) {
        List<Manifest> foundations = manifests.stream()
                .filter(m -> m.ref().group().isEmpty() && m.ref().kind().equals("Namespace")
                        || m.ref().group().equals("apiextensions.k8s.io")
                                && m.ref().kind().equals("CustomResourceDefinition"))
                .toList();
        if (foundations.isEmpty()) {
            return inventory;
        }
        // trusting the live state: only missing foundations are dry-run here, the rest is planned with everything
        List<PlannedObject> missing = planner.plan(foundations, kinds, Set.of(), true).objects().stream()
                .filter(o -> o.action() == Action.CREATED)
                .toList();
        if (missing.isEmpty()) {
            return inventory;
        }
        Inventory withNew = inventory.union(
                missing.stream().map(o -> InventoryEntry.of(o.desired().ref())).toList());
        inventoryStore.save(withNew, Stage.APPLY);
        applier.apply(missing, kinds);
        kinds.forget();
        missing.forEach(o -> created.add(o.desired().ref().key()));
        return withNew;
    }

    /** Names of Namespaces and group/Kind of CRDs that the render adds and the cluster lacks. */
    private Set<String> missingFoundations(List<Manifest> manifests, ClusterKinds kinds) {
        Set<String> missing = new HashSet<>();
        for (Manifest m : manifests) {
            if (m.ref().kind().equals("Namespace") && m.ref().group().isEmpty()) {
                if (NoAnswerRetry.call(() ->
                                client.namespaces().withName(m.ref().name()).get())
                        == null) {
                    missing.add(m.ref().name());
                }
            } else if (m.ref().kind().equals("CustomResourceDefinition")) {
                String group = m.body().path("spec").path("group").asText();
                String kind = m.body().path("spec").path("names").path("kind").asText();
                boolean served = false;
                for (JsonNode v : m.body().path("spec").path("versions")) {
                    served |= kinds.find(
                                    ObjectRef.of(group + "/" + v.path("name").asText(), kind, "", "x"))
                            .isPresent();
                }
                if (!served) {
                    missing.add(group + "/" + kind);
                }
            }
        }
        return missing;
    }

    private void checkEmptyRender(List<Manifest> manifests) {
        if (manifests.isEmpty() && !settings.allowEmpty()) {
            throw new GateRefusal(
                    "empty-render",
                    "",
                    "the render has no objects; nothing is applied or pruned "
                            + "(set gitops.apply.allow-empty=true if emptying the cluster is intended)");
        }
    }

    private void checkPruneGuard(List<InventoryEntry> toPrune, Inventory inventory) {
        if (toPrune.isEmpty() || inventory.size() == 0) {
            return;
        }
        double share = (double) toPrune.size() / inventory.size();
        if (share > settings.pruneGuard() && !(settings.allowEmpty() && toPrune.size() == inventory.size())) {
            throw new GateRefusal(
                    "prune-guard",
                    "",
                    String.format(
                            "the cycle would delete %d of %d inventory objects (%.0f%%), more than "
                                    + "gitops.apply.prune-guard=%.0f%%;"
                                    + " nothing was applied or deleted (first: %s)",
                            toPrune.size(),
                            inventory.size(),
                            share * 100,
                            settings.pruneGuard() * 100,
                            toPrune.get(0).ref()));
        }
    }

    /**
     * The PodDisruptionBudget gate, by {@code gitops.safety.pdb}: refuses (or with {@code warn}
     * reports) what the budgets cannot afford, and returns the scale-downs to take in steps.
     */
    private List<ScaleStep> checkBudgets(Plan plan, List<String> findings) {
        if (safety.pdb().equals("off")) {
            return List.of();
        }
        PdbGate.Report report = pdbGate.check(plan.objects());
        findings.addAll(report.warnings());
        if (!report.refusals().isEmpty() && safety.pdb().equals("enforce")) {
            String first = report.refusals().get(0);
            throw new GateRefusal("pdb", first.substring(0, first.indexOf(':')), String.join("; ", report.refusals()));
        }
        findings.addAll(report.refusals());
        if (safety.pdb().equals("warn")) {
            report.steps()
                    .forEach(step -> findings.add("pdb (warn): " + step.workload() + " scaled from " + step.from()
                            + " to " + step.target() + " at once, beyond what " + step.budget() + " allows now ("
                            + step.allowedNow() + ")"));
            return List.of();
        }
        report.steps().forEach(step -> findings.add(step.describe()));
        return report.steps();
    }

    /** The workloads of the steps (by key) at their step's replica count instead of git's. */
    private static List<PlannedObject> inSteps(List<PlannedObject> changed, Map<String, ScaleStep> steps) {
        return changed.stream()
                .map(o -> {
                    ScaleStep step = steps.get(o.desired().ref().key());
                    return step == null ? o : o.withReplicas(step.to());
                })
                .toList();
    }

    private static ChangeSet noted(ChangeSet changes, Map<String, ScaleStep> steps) {
        return new ChangeSet(changes.changes().stream()
                .map(c -> {
                    ScaleStep step = steps.get(c.ref().key());
                    return step == null ? c : new Change(c.ref(), c.action(), c.diff(), step.progress());
                })
                .toList());
    }

    private static Set<String> keys(List<Manifest> manifests) {
        return manifests.stream().map(m -> m.ref().key()).collect(Collectors.toSet());
    }

    /** The digest of a render, remembered for the list it was computed from: renders are cached per revision. */
    private String digestOf(List<Manifest> manifests) {
        DigestMemo memo = lastDigest;
        if (memo != null && memo.manifests() == manifests) {
            return memo.digest();
        }
        String digest = digest(manifests);
        lastDigest = new DigestMemo(manifests, digest);
        return digest;
    }

    private record DigestMemo(List<Manifest> manifests, String digest) {}

    /** SHA-256 of the rendered objects, in order. */
    static String digest(List<Manifest> manifests) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (Manifest m : manifests) {
                sha.update(m.body().toString().getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long lap(Map<String, Duration> stages, String stage, long since) {
        long now = System.nanoTime();
        stages.merge(stage, Duration.ofNanos(now - since), Duration::plus);
        return now;
    }

    private static Duration elapsed(long start) {
        return Duration.ofNanos(System.nanoTime() - start);
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
