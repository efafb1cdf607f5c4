package io.alfred.gitops.drift;

import com.fasterxml.jackson.databind.JsonNode;
import io.alfred.gitops.config.DriftSettings;
import io.alfred.gitops.plan.ClusterKinds;
import io.alfred.gitops.plan.Planner;
import io.alfred.gitops.render.Manifest;
import io.alfred.gitops.render.ObjectRef;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Watches the objects the daemon manages (one watch per kind of the applied render, label
 * {@code app.kubernetes.io/managed-by=alfred-gitops}) and reports drift the moment it happens: an
 * object deleted, or changed so that it no longer holds every field git gives it. Fields git does
 * not set (another manager's, a controller's defaults, an HPA's replicas) are never drift. The
 * report starts a cycle through the normal pipeline (plan, gates, events), so a hand edit is put
 * back within a second instead of at the next interval. What the watch keeps per object is nothing:
 * each event is compared with git's fields of that object and dropped.
 *
 * <p>A watch that ends (410 Gone, a lost connection) is opened again with backoff; the interval
 * cycle stays the safety net for anything a watch misses.
 */
public final class DriftWatch implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(DriftWatch.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final KubernetesClient client;
    private final Consumer<String> drifted;
    private final String fieldManager;
    private final Fights fights;
    private final Consumer<DriftConflict> conflicted;
    private final Map<String, Watch> watches = new ConcurrentHashMap<>();
    private final Set<String> warned = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService reopen = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "drift-watch");
        t.setDaemon(true);
        return t;
    });
    private volatile Map<String, JsonNode> desired = Map.of();
    /** The render a cycle in flight is applying: its writes are not drift. */
    private volatile Map<String, JsonNode> incoming = Map.of();
    private volatile boolean closed;
    /** Since the last {@link #track}: whether every watch stayed open and nothing drifted. */
    private volatile boolean quiet;

    /** @param drifted told what drifted ({@code Deployment shop/web changed}), once per event */
    public DriftWatch(KubernetesClient client, Consumer<String> drifted) {
        this(client, drifted, "alfred-gitops", DriftSettings.defaults(), conflict -> { });
    }

    /**
     * @param fieldManager the daemon's own field manager, not a writer it can fight with
     * @param conflicted told once when an object becomes a conflict (and is no longer reported as drift)
     */
    public DriftWatch(KubernetesClient client, Consumer<String> drifted, String fieldManager, DriftSettings settings,
            Consumer<DriftConflict> conflicted) {
        this.client = client;
        this.drifted = drifted;
        this.fieldManager = fieldManager;
        this.fights = new Fights(settings.fightThreshold(), settings.fightWindow());
        this.conflicted = conflicted;
    }

    /** A cycle is about to apply this render: changes that match it are the cycle's own. */
    public void expect(List<Manifest> manifests) {
        incoming = bodies(manifests);
    }

    /** The cycle in flight ended without making the cluster match its render. */
    public void abandon() {
        incoming = Map.of();
    }

    /** The cluster now matches this render: watch its kinds, compare with its objects. */
    public synchronized void track(List<Manifest> manifests) {
        if (closed) {
            return;
        }
        Map<String, ObjectRef> kinds = new HashMap<>();
        for (Manifest m : manifests) {
            kinds.putIfAbsent(m.ref().apiVersion() + " " + m.ref().kind(), m.ref());
        }
        Map<String, JsonNode> next = bodies(manifests);
        for (Map.Entry<String, JsonNode> before : desired.entrySet()) {
            if (!before.getValue().equals(next.get(before.getKey()))) {
                fights.release(before.getKey()); // git changed it: a new try
            }
        }
        desired = next;
        incoming = Map.of();
        quiet = true;
        watches.keySet().removeIf(kind -> {
            if (!kinds.containsKey(kind)) {
                watches.get(kind).close();
                return true;
            }
            return false;
        });
        ClusterKinds discovery = new ClusterKinds(client);
        kinds.forEach((kind, ref) -> {
            if (!watches.containsKey(kind) && discovery.find(ref).isPresent()) {
                open(kind, discovery.context(ref), Duration.ofSeconds(1));
            }
        });
    }

    /**
     * Git's fields of each object, by identity. A Secret given as {@code stringData} is left out: the
     * API server stores it as {@code data}, so a watch event cannot be compared with it (the interval
     * cycle checks it).
     */
    private static Map<String, JsonNode> bodies(List<Manifest> manifests) {
        Map<String, JsonNode> out = new HashMap<>();
        for (Manifest m : manifests) {
            if (!m.body().has("stringData")) {
                out.put(m.ref().key(), m.body());
            }
        }
        return out;
    }

    /**
     * Whether the cluster still matches the render last tracked, as far as the watches saw: every
     * watch has stayed open since and reported no drift. An interval cycle on the same revision
     * can then be skipped; it cannot tell an object changed while a watch was down.
     */
    public boolean quiet() {
        return quiet && !closed;
    }

    /** The objects held back from correction now (a drift fight; see {@link DriftConflict}). */
    public List<DriftConflict> conflicts() {
        return fights.current(Instant.now());
    }

    /** Kinds watched now. */
    public int watchedKinds() {
        return watches.size();
    }

    private void open(String kind, ResourceDefinitionContext context, Duration backoff) {
        if (closed) {
            return;
        }
        try {
            Watch watch = client.genericKubernetesResources(context).inAnyNamespace()
                    .withLabel(Planner.MANAGED_BY, Planner.MANAGER_NAME).watch(new Watcher<>() {
                        @Override
                        public void eventReceived(Action action, GenericKubernetesResource object) {
                            check(action, object);
                        }

                        @Override
                        public void onClose(WatcherException cause) {
                            quiet = false;
                            watches.remove(kind);
                            LOG.debugf("drift: the watch of %s ended (%s); opening it again", kind, cause.getMessage());
                            reopenLater(kind, context, Duration.ofSeconds(1));
                        }
                    });
            watches.put(kind, watch);
        } catch (RuntimeException e) {
            quiet = false;
            if (warned.add(kind)) {
                LOG.warnf("drift: cannot watch %s (%s); until it can, drift of that kind is corrected at the interval "
                        + "(the daemon's ClusterRole needs verb watch)", kind, e.getMessage());
            }
            reopenLater(kind, context, backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF
                    : backoff.multipliedBy(2));
        }
    }

    private void reopenLater(String kind, ResourceDefinitionContext context, Duration backoff) {
        if (!closed && !reopen.isShutdown()) {
            reopen.schedule(() -> {
                synchronized (this) {
                    if (!watches.containsKey(kind) && desired.values().stream().anyMatch(b -> kind.equals(
                            b.path("apiVersion").asText() + " " + b.path("kind").asText()))) {
                        open(kind, context, backoff);
                    }
                }
            }, backoff.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void check(Watcher.Action action, GenericKubernetesResource object) {
        ObjectRef ref = ObjectRef.of(object.getApiVersion(), object.getKind(), object.getMetadata().getNamespace() == null
                ? "" : object.getMetadata().getNamespace(), object.getMetadata().getName());
        JsonNode want = desired.get(ref.key());
        JsonNode wanted = incoming.get(ref.key());
        if (want == null) {
            return; // not in the applied render: a new object or one to prune is the cycle's business
        }
        if (action == Watcher.Action.DELETED) {
            if (incoming.isEmpty() || wanted != null) {
                drift(ref, "unknown", ref + " deleted");
            }
        } else if (action == Watcher.Action.MODIFIED || action == Watcher.Action.ADDED) {
            JsonNode live = client.getKubernetesSerialization().convertValue(object, JsonNode.class);
            if (!Planner.isSubset(want, live) && (wanted == null || !Planner.isSubset(wanted, live))) {
                drift(ref, lastOtherManager(live), ref + " changed");
            }
        }
    }

    /** A drift: reported, unless the object is (or just became) a conflict with another writer. */
    private void drift(ObjectRef ref, String manager, String what) {
        Instant now = Instant.now();
        boolean wasHeld = fights.holds(ref.key(), now);
        Optional<DriftConflict> conflict = fights.drifted(ref, manager, now);
        if (conflict.isPresent()) {
            conflicted.accept(conflict.get());
        } else if (!wasHeld) {
            quiet = false;
            drifted.accept(what);
        }
    }

    /** The writer that changed the object last, other than the daemon: the newest entry of its managedFields. */
    private String lastOtherManager(JsonNode live) {
        String manager = "unknown";
        String newest = "";
        for (JsonNode entry : live.path("metadata").path("managedFields")) {
            String name = entry.path("manager").asText("");
            String time = entry.path("time").asText("");
            if (!name.isEmpty() && !name.equals(fieldManager) && time.compareTo(newest) >= 0) {
                manager = name;
                newest = time;
            }
        }
        return manager;
    }

    @Override
    public synchronized void close() {
        closed = true;
        watches.values().forEach(Watch::close);
        watches.clear();
        reopen.shutdownNow();
    }
}
