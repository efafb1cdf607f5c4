package io.alfred.gitops.reconcile;

import io.alfred.gitops.apply.Applier;
import io.alfred.gitops.apply.RolloutWaiter;
import io.alfred.gitops.cluster.KnownUids;
import io.alfred.gitops.cluster.WriteGuard;
import io.alfred.gitops.config.ApplySettings;
import io.alfred.gitops.config.DriftSettings;
import io.alfred.gitops.config.SafetySettings;
import io.alfred.gitops.config.Settings;
import io.alfred.gitops.drift.DriftWatch;
import io.alfred.gitops.events.ClusterEventRecorder;
import io.alfred.gitops.events.EventSink;
import io.alfred.gitops.plan.Planner;
import io.alfred.gitops.preview.Preview;
import io.alfred.gitops.preview.PreviewCycle;
import io.alfred.gitops.preview.Previews;
import io.alfred.gitops.preview.Redaction;
import io.alfred.gitops.promotion.PromotionGate;
import io.alfred.gitops.prune.InventoryStore;
import io.alfred.gitops.prune.Pruner;
import io.alfred.gitops.render.KustomizeOutputs;
import io.alfred.gitops.render.Renderer;
import io.alfred.gitops.safety.PdbGate;
import io.alfred.gitops.source.GitSource;
import io.alfred.gitops.state.HistoryStore;
import io.alfred.gitops.state.SuspendStore;
import io.alfred.gitops.support.Background;
import io.alfred.gitops.trigger.Trigger;
import io.alfred.gitops.verify.RevisionVerifier;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * The composition root of the cycle: every collaborator of a {@link CycleRunner}, a
 * {@link Reconciler} and a {@link Revisions} is built here and nowhere else, from the settings, the
 * cluster and the outlets. The daemon ({@link SyncLoop}), the commands and the tests all build
 * through it, so they run the same parts.
 */
public final class Wiring {
    /** Concurrent API calls inside one stage (dry runs, applies): within the API server's flow control. */
    static final int API_CONCURRENCY = 8;
    /** How often the rollout wait looks at the workloads. */
    static final Duration ROLLOUT_POLL = Duration.ofMillis(500);
    /** How long a drift report waits for others, so that a burst of edits is put back by one cycle. */
    static final Duration DRIFT_COALESCING = Duration.ofMillis(100);

    private Wiring() {}

    /** The runner of the daemon, of {@code reconcile --once} and of the tests. */
    public static CycleRunner runner(
            Settings settings, KubernetesClient client, SyncStatus status, CycleRunner.Outlets outlets) {
        return runner(settings, revisions(settings), client, status, outlets);
    }

    /** The same, with the revisions given ({@code reconcile --once} fetches while it connects); the runner closes them. */
    public static CycleRunner runner(
            Settings settings,
            Revisions revisions,
            KubernetesClient client,
            SyncStatus status,
            CycleRunner.Outlets outlets) {
        WriteGuard guard = outlets.guard();
        String namespace = settings.apply().namespace();
        Reconciler reconciler = reconciler(client, settings.apply(), settings.safety(), guard);
        CycleReporter reporter = new CycleReporter(
                status,
                outlets.metrics(),
                outlets.events(),
                new CycleJournal(
                        new HistoryStore(client, namespace, settings.apply().fieldManager(), guard),
                        revisions::describe),
                new CycleAnnouncer(
                        new ClusterEventRecorder(
                                client,
                                guard,
                                ClusterEventRecorder.thisInstance(),
                                Clock.systemUTC(),
                                reconciler.knownUids()),
                        namespace),
                revisions,
                settings.cluster().name(),
                settings.cluster().environment());
        status.configure(settings);
        return new CycleRunner(
                status,
                revisions,
                reconciler,
                reporter,
                new SuspendStore(client, namespace),
                settings.safety().rollback(),
                outlets);
    }

    /**
     * The plan, gates, apply, wait and prune of one rendered revision.
     *
     * @param guard asked before every write (leader election)
     */
    public static Reconciler reconciler(
            KubernetesClient client, ApplySettings settings, SafetySettings safety, WriteGuard guard) {
        ExecutorService pool = Executors.newFixedThreadPool(API_CONCURRENCY, Background.threads("gitops-api"));
        Planner planner = new Planner(client, settings.fieldManager(), pool, settings.recreateImmutable());
        KnownUids uids = new KnownUids();
        Applier applier = new Applier(client, settings.fieldManager(), pool, guard, uids);
        InventoryStore inventory = new InventoryStore(client, settings.namespace(), settings.fieldManager(), guard);
        return new Reconciler(
                client,
                settings,
                pool,
                planner,
                applier,
                new RolloutWaiter(client, safety.rolloutTimeout(), ROLLOUT_POLL),
                new Pruner(guard),
                inventory,
                new Foundations(client, planner, applier, inventory),
                new Gates(settings, safety.pdb(), new PdbGate(client)),
                uids);
    }

    /** Fetch, verify and render of the configured source. */
    public static Revisions revisions(Settings settings) {
        return revisions(settings, source(settings));
    }

    /** The configured repository's mirror, for a command that fetches before it wires the rest. */
    public static GitSource source(Settings settings) {
        return new GitSource(settings.source());
    }

    /** Fetch, verify and render of {@code source}, which the revisions close. */
    public static Revisions revisions(Settings settings, GitSource source) {
        return new Revisions(
                settings,
                source,
                new Renderer(
                        settings.render(),
                        KustomizeOutputs.in(settings.source().workdir().resolve("kustomize-outputs"))),
                new RevisionVerifier(settings.verify()));
    }

    /**
     * Fetch, verify and render of a pull request's head ({@code ref}): a mirror of its own under
     * the workdir's {@code previews/}, so that a preview never holds the deploy's, and no Kustomize
     * output of it is kept.
     */
    public static Revisions previewRevisions(Settings settings, String ref) {
        return new Revisions(
                settings,
                new GitSource(settings.source()
                        .withRef(ref)
                        .withWorkdir(settings.source().workdir().resolve("previews"))),
                new Renderer(settings.render(), KustomizeOutputs.NONE),
                new RevisionVerifier(settings.verify()));
    }

    /**
     * The daemon's previews of pull requests: one at a time, each on its own mirror and with a
     * reconciler that refuses every write.
     */
    public static Previews previews(
            Settings settings,
            KubernetesClient client,
            EventSink events,
            Optional<PromotionGate> promotion,
            Previews.Listener listener) {
        Reconciler reconciler = previewReconciler(client, settings);
        PreviewCycle cycle = new PreviewCycle(
                new Preview.Where(settings.cluster().name(), settings.cluster().environment()),
                ref -> previewRevisions(settings, ref),
                reconciler,
                new SuspendStore(client, settings.apply().namespace()),
                promotion,
                Redaction.of(System.getenv(), settings.render().substitutions()));
        return new Previews(cycle::run, events, listener, reconciler::close);
    }

    /** The plan and gates of a preview, on a pool of its own; every write it tried would be refused. */
    public static Reconciler previewReconciler(KubernetesClient client, Settings settings) {
        return reconciler(client, settings.apply(), settings.safety(), WriteGuard.NEVER);
    }

    /**
     * The daemon's drift watch: each report starts a cycle after {@link #DRIFT_COALESCING}, a
     * conflict is reported by the runner.
     *
     * @param drifted also told what drifted (a log line, a test's list)
     */
    public static CycleRunner.DriftWatching driftWatch(
            KubernetesClient client, Settings settings, DriftSettings drift, Consumer<String> drifted) {
        return runner -> new DriftWatch(
                client,
                what -> {
                    drifted.accept(what);
                    runner.offer(Trigger.of(Trigger.Kind.DRIFT), DRIFT_COALESCING);
                },
                settings.apply().fieldManager(),
                drift,
                runner::conflicted);
    }
}
