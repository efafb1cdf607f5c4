package io.alfred.gitops.events;

import io.alfred.gitops.cluster.KnownUids;
import io.alfred.gitops.cluster.WriteGuard;
import io.alfred.gitops.render.ObjectRef;
import io.alfred.gitops.support.Background;
import io.alfred.gitops.support.LruMap;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.api.model.events.v1.EventBuilder;
import io.fabric8.kubernetes.api.model.events.v1.EventSeriesBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Kubernetes Events ({@code events.k8s.io/v1}) a person reads with {@code kubectl get events} and
 * {@code kubectl describe}: one per cycle outcome on the inventory ConfigMap, one on each object a
 * cycle created, configured, pruned or rolled back. As kubelet's recorder does, the same event
 * (object, reason, note) within {@link #SERIES_WINDOW} becomes a series (count and last seen) on the
 * first one, and each object gets at most {@link #BURST} events, then one per {@link #REFILL}. A
 * failure to record is logged at debug level and never fails a cycle.
 */
public final class ClusterEventRecorder {
    private static final Logger LOG = Logger.getLogger(ClusterEventRecorder.class);
    public static final String CONTROLLER = "alfred.io/gitops";
    static final Duration SERIES_WINDOW = Duration.ofMinutes(10);
    static final int BURST = 25;
    static final Duration REFILL = Duration.ofMinutes(5);
    private static final int MAX_NOTE = 1024;
    private static final int MAX_TRACKED = 4096;
    /** Requests in flight at once, as a stage's dry runs and applies. */
    static final int CONCURRENCY = 8;

    private static final DateTimeFormatter MICRO =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    /** Normal or Warning, as Kubernetes has them. */
    public enum Type {
        Normal,
        Warning
    }

    /** An Event created, for its series: where it is, how often it happened, since when. */
    private record Sent(String namespace, String name, int count, Instant first) {}

    private static final class Bucket {
        double tokens = BURST;
        Instant refilled;

        Bucket(Instant now) {
            refilled = now;
        }
    }

    private final KubernetesClient client;
    private final WriteGuard guard;
    private final String instance;
    private final Clock clock;
    private final Map<String, Sent> recent = new LruMap<>(MAX_TRACKED);
    private final Map<String, Bucket> buckets = new LruMap<>(MAX_TRACKED);
    private long sequence;
    private final KnownUids uids;
    /** Sends the requests: {@value #CONCURRENCY} threads, which end when idle. */
    private final ThreadPoolExecutor requests;

    /**
     * @param clock the time of each Event ({@code Clock.systemUTC()}, or a test's)
     * @param uids the objects whose uid the applier already knows (the others are read)
     */
    public ClusterEventRecorder(
            KubernetesClient client, WriteGuard guard, String instance, Clock clock, KnownUids uids) {
        this.client = client;
        this.uids = uids;
        this.guard = guard;
        this.instance = instance;
        this.clock = clock;
        this.requests = new ThreadPoolExecutor(
                CONCURRENCY,
                CONCURRENCY,
                10,
                TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(),
                Background.threads("gitops-k8s-events"));
        requests.allowCoreThreadTimeOut(true);
    }

    /** Who records the Events: the pod (POD_NAME or HOSTNAME), else this host. */
    public static String thisInstance() {
        String pod = System.getenv("POD_NAME");
        if (pod == null || pod.isBlank()) {
            pod = System.getenv("HOSTNAME");
        }
        if (pod == null || pod.isBlank()) {
            try {
                pod = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                pod = "alfred-gitops";
            }
        }
        return pod;
    }

    /**
     * One Event to record.
     *
     * @param action what alfred-gitops did (Apply, Prune, Reconcile, Rollback)
     * @param note what a person reads; never a Secret value (callers pass summaries, not data)
     */
    public record Note(ObjectRef regarding, Type type, String reason, String action, String note) {}

    /** What a note comes to: a new Event, one more of a series, or nothing (the object's bucket is empty). */
    private sealed interface Write permits Create, Repeat {}

    private record Create(String key, Note note, String text, String namespace, String name, Instant at)
            implements Write {}

    private record Repeat(Sent previous, int count, Instant at) implements Write {}

    /** Records one note ({@link #recordAll}). */
    public void record(ObjectRef regarding, Type type, String reason, String action, String note) {
        recordAll(List.of(new Note(regarding, type, reason, action, note)));
    }

    /**
     * Records {@code notes}, their requests {@value #CONCURRENCY} at a time: one after the other,
     * the Events of a cycle that changed 100 objects took half a second at its end.
     */
    public void recordAll(List<Note> notes) {
        List<Write> writes = new ArrayList<>();
        synchronized (this) {
            for (Note n : notes) {
                plan(n).ifPresent(writes::add);
            }
        }
        List<CompletableFuture<Void>> sent = new ArrayList<>();
        for (Write w : writes) {
            sent.add(CompletableFuture.runAsync(() -> send(w), requests));
        }
        sent.forEach(CompletableFuture::join);
    }

    /** Decides under the lock, so that series and buckets stay consistent; sends nothing. */
    private Optional<Write> plan(Note n) {
        String text = n.note().length() <= MAX_NOTE ? n.note() : n.note().substring(0, MAX_NOTE - 1) + "…";
        String namespace =
                n.regarding().namespace().isEmpty() ? "default" : n.regarding().namespace();
        String key = n.regarding().key() + "|" + n.reason() + "|" + text;
        Instant now = clock.instant();
        try {
            guard.check("Event on " + n.regarding());
        } catch (RuntimeException e) {
            LOG.debugf("events: cannot record %s on %s: %s", n.reason(), n.regarding(), e.getMessage());
            return Optional.empty();
        }
        Sent previous = recent.get(key);
        if (previous != null && previous.first().plus(SERIES_WINDOW).isAfter(now)) {
            int count = previous.count() + 1;
            recent.put(key, new Sent(previous.namespace(), previous.name(), count, previous.first()));
            return Optional.of(new Repeat(previous, count, now));
        }
        if (!take(n.regarding().key(), now)) {
            LOG.debugf("events: too many events for %s; '%s' not recorded", n.regarding(), n.reason());
            return Optional.empty();
        }
        // as kubelet names them: <object>.<unix nanos, hex>
        String name = n.regarding().name() + "."
                + Long.toHexString(now.getEpochSecond() * 1_000_000_000L + now.getNano() + sequence++);
        return Optional.of(new Create(key, n, text, namespace, name, now));
    }

    private void send(Write write) {
        try {
            if (write instanceof Repeat r) {
                client.events()
                        .v1()
                        .events()
                        .inNamespace(r.previous().namespace())
                        .withName(r.previous().name())
                        .edit(e -> new EventBuilder(e)
                                .withSeries(new EventSeriesBuilder()
                                        .withCount(r.count())
                                        .withLastObservedTime(new MicroTime(MICRO.format(r.at())))
                                        .build())
                                .build());
            } else if (write instanceof Create c) {
                create(c);
            }
        } catch (RuntimeException e) {
            Note n = write instanceof Create c ? c.note() : null;
            LOG.debugf(
                    "events: cannot record %s: %s",
                    n == null ? "a repeated event" : n.reason() + " on " + n.regarding(), e.getMessage());
        }
    }

    private void create(Create c) {
        ObjectRef regarding = c.note().regarding();
        Event event = new EventBuilder()
                .withNewMetadata()
                .withName(c.name())
                .withNamespace(c.namespace())
                .endMetadata()
                .withRegarding(new ObjectReferenceBuilder()
                        .withApiVersion(regarding.apiVersion())
                        .withKind(regarding.kind())
                        .withNamespace(regarding.namespace().isEmpty() ? null : regarding.namespace())
                        .withName(regarding.name())
                        .withUid(uidOf(regarding))
                        .build())
                .withType(c.note().type().name())
                .withReason(c.note().reason())
                .withAction(c.note().action())
                .withNote(c.text())
                .withEventTime(new MicroTime(MICRO.format(c.at())))
                .withReportingController(CONTROLLER)
                .withReportingInstance(instance)
                .build();
        Event created = client.events()
                .v1()
                .events()
                .inNamespace(c.namespace())
                .resource(event)
                .create();
        synchronized (this) {
            recent.put(c.key(), new Sent(c.namespace(), created.getMetadata().getName(), 1, c.at()));
        }
    }

    /**
     * The object's uid, which {@code kubectl describe} selects its Events by; null for an object
     * that is gone (pruned), as the API server then matches on kind, namespace and name alone.
     */
    private String uidOf(ObjectRef ref) {
        Optional<String> known = uids.of(ref);
        if (known.isPresent()) {
            return known.get();
        }
        try {
            var resource = client.genericKubernetesResources(ref.apiVersion(), ref.kind());
            var live = ref.namespace().isEmpty()
                    ? resource.withName(ref.name()).get()
                    : resource.inNamespace(ref.namespace()).withName(ref.name()).get();
            return live == null ? null : live.getMetadata().getUid();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** kubelet's spam filter: a token bucket per object. */
    private boolean take(String object, Instant now) {
        Bucket b = buckets.computeIfAbsent(object, k -> new Bucket(now));
        double refill = (double) Duration.between(b.refilled, now).toMillis() / REFILL.toMillis();
        b.tokens = Math.min(BURST, b.tokens + refill);
        b.refilled = now;
        if (b.tokens < 1) {
            return false;
        }
        b.tokens -= 1;
        return true;
    }
}
