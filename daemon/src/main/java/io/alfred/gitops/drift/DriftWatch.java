package io.alfred.gitops.drift;

import com.fasterxml.jackson.databind.JsonNode;
import io.alfred.gitops.config.DriftSettings;
import io.alfred.gitops.plan.LiveView;
import io.alfred.gitops.render.Manifest;
import io.alfred.gitops.render.ObjectRef;
import io.alfred.gitops.support.Subset;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Reports drift the moment it happens: an object the daemon manages deleted, or changed so that it
 * no longer holds every field git gives it. Fields git does not set (another manager's, a
 * controller's defaults, an HPA's replicas) are never drift. The report starts a cycle through the
 * normal pipeline (plan, gates, events), so a hand edit is put back within a second instead of at
 * the next interval. The changes come from the {@link ManagedView}'s watches, one per kind of the
 * applied render; the interval cycle stays the safety net for anything a watch misses.
 */
public final class DriftWatch implements ManagedView.Changes, AutoCloseable {
    /** How long a cycle waits for a new kind's first list before planning without it. */
    private static final Duration FIRST_LIST = Duration.ofSeconds(5);

    private final Consumer<String> drifted;
    private final String fieldManager;
    private final Fights fights;
    private final Consumer<DriftConflict> conflicted;
    private final ManagedView view;
    private volatile Rendered desired = Rendered.NONE;
    /** The kinds of the render last tracked, by kind key: watched until a render without them is tracked. */
    private volatile Map<String, ObjectRef> trackedKinds = Map.of();
    /** The render a cycle in flight is applying: its writes are not drift. */
    private volatile Rendered incoming = Rendered.NONE;

    private volatile boolean closed;
    /** Since the last {@link #track}: whether nothing drifted. */
    private volatile boolean quiet;
    /** Keys of the objects seen drifted since the last cycle put the cluster back in line with git. */
    private final Set<String> drifting = ConcurrentHashMap.newKeySet();

    /**
     * @param drifted told what drifted ({@code Deployment shop/web changed}), once per event
     * @param fieldManager the daemon's own field manager, not a writer it can fight with
     * @param conflicted told once when an object becomes a conflict (and is no longer reported as drift)
     */
    public DriftWatch(
            KubernetesClient client,
            Consumer<String> drifted,
            String fieldManager,
            DriftSettings settings,
            Consumer<DriftConflict> conflicted) {
        this.drifted = drifted;
        this.fieldManager = fieldManager;
        this.fights = new Fights(settings.fightThreshold(), settings.fightWindow());
        this.conflicted = conflicted;
        // what to keep of each live object: git's fields of the render being applied, else of the applied one
        this.view = new ManagedView(client, ref -> {
            GitObject next = incoming.get(ref);
            return next != null ? next : desired.get(ref);
        });
    }

    /** The live managed objects as the watches know them, for the plan stage. */
    public LiveView view() {
        return view;
    }

    /**
     * A cycle is about to apply this render: changes that match it are the cycle's own. Its kinds are
     * watched from now on, so that the plan knows their live objects without reading them.
     */
    public synchronized void expect(List<Manifest> manifests) {
        incoming = rendered(manifests);
        if (!closed) {
            Map<String, ObjectRef> kinds = kindsOf(manifests);
            trackedKinds.forEach(kinds::putIfAbsent);
            view.watch(kinds, this, FIRST_LIST);
        }
    }

    /** The cycle in flight ended without making the cluster match its render. */
    public void abandon() {
        incoming = Rendered.NONE;
    }

    /** The cluster now matches this render: watch its kinds, compare with its objects. */
    public synchronized void track(List<Manifest> manifests) {
        if (closed) {
            return;
        }
        Rendered next = rendered(manifests);
        drifting.clear();
        for (Map.Entry<String, GitObject> before : desired.objects().entrySet()) {
            GitObject after = next.objects().get(before.getKey());
            if (after == null || !before.getValue().digest().equals(after.digest())) {
                fights.release(before.getKey()); // git changed it: a new try
            }
        }
        desired = next;
        trackedKinds = kindsOf(manifests);
        incoming = Rendered.NONE;
        quiet = true;
        // kinds a CRD created in this cycle serves are watched from now
        view.watch(trackedKinds, this, Duration.ZERO);
    }

    private static Map<String, ObjectRef> kindsOf(List<Manifest> manifests) {
        Map<String, ObjectRef> kinds = new HashMap<>();
        for (Manifest m : manifests) {
            kinds.putIfAbsent(ManagedView.kindOf(m.ref()), m.ref());
        }
        return kinds;
    }

    /**
     * Git's objects of a render, by identity, each digested once: a render of the same revision (the
     * renderer caches it) is the same list, and is not digested again.
     */
    private Rendered rendered(List<Manifest> manifests) {
        for (Rendered known : new Rendered[] {incoming, desired}) {
            if (known.from() == manifests) {
                return known;
            }
        }
        return Rendered.of(manifests);
    }

    /** Git's objects of one render, and the list they came from. */
    private record Rendered(List<Manifest> from, Map<String, GitObject> objects) {
        static final Rendered NONE = new Rendered(List.of(), Map.of());

        /**
         * A Secret given as {@code stringData} is left out: the API server stores it as {@code data},
         * so a watch event cannot be compared with it (the interval cycle checks it).
         */
        static Rendered of(List<Manifest> manifests) {
            Map<String, GitObject> out = new HashMap<>();
            for (Manifest m : manifests) {
                if (!m.body().has("stringData")) {
                    out.put(m.ref().key(), GitObject.of(m.body()));
                }
            }
            return new Rendered(manifests, out);
        }

        GitObject get(ObjectRef ref) {
            return objects.get(ref.key());
        }

        boolean isEmpty() {
            return objects.isEmpty();
        }
    }

    /**
     * Whether the cluster still matches the render last tracked, as far as the watches saw: every
     * watch is listed and open, and none reported drift since. An interval cycle on the same
     * revision can then be skipped. (A watch that reconnects resumes from its resourceVersion, or
     * relists, so it misses nothing; while it is down, intervals run in full.)
     */
    public boolean quiet() {
        return quiet && !closed && view.allWatching();
    }

    /** The objects held back from correction now (a drift fight; see {@link DriftConflict}). */
    public List<DriftConflict> conflicts() {
        return fights.current(Instant.now());
    }

    /**
     * A person asked for git's state (a manual reconcile, a resume): every object held as a fight is
     * corrected again, and counted afresh.
     *
     * @return the conflicts released
     */
    public List<DriftConflict> releaseHolds() {
        return fights.releaseAll();
    }

    /** Kinds watched now. */
    public int watchedKinds() {
        return view.size();
    }

    /** The keys ({@link ObjectRef#key()}) of the objects changed or deleted by hand and not put back yet. */
    public Set<String> drifting() {
        return Set.copyOf(drifting);
    }

    @Override
    public void changed(ObjectRef ref, JsonNode live) {
        GitObject want = desired.get(ref);
        if (want == null) {
            return; // not in the applied render: a new object or one to prune is the cycle's business
        }
        GitObject wanted = incoming.get(ref);
        if (!Subset.holds(want.body(), live) && (wanted == null || !Subset.holds(wanted.body(), live))) {
            drift(ref, lastOtherManager(live), ref + " changed");
        }
    }

    @Override
    public void deleted(ObjectRef ref) {
        if (desired.get(ref) != null && (incoming.isEmpty() || incoming.get(ref) != null)) {
            drift(ref, "unknown", ref + " deleted");
        }
    }

    /** A drift: reported, unless the object is (or just became) a conflict with another writer. */
    private void drift(ObjectRef ref, String manager, String what) {
        Instant now = Instant.now();
        boolean wasHeld = fights.holds(ref.key(), now);
        drifting.add(ref.key());
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
        view.close();
    }
}
