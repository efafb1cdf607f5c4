package io.alfred.gitops.events;

import io.alfred.gitops.cluster.WriteGuard;
import io.alfred.gitops.render.ObjectRef;
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
import java.util.Map;
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

    /** @param clock the time of each Event ({@code Clock.systemUTC()}, or a test's) */
    public ClusterEventRecorder(KubernetesClient client, WriteGuard guard, String instance, Clock clock) {
        this.client = client;
        this.guard = guard;
        this.instance = instance;
        this.clock = clock;
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
     * @param action what alfred-gitops did (Apply, Prune, Reconcile, Rollback)
     * @param note what a person reads; never a Secret value (callers pass summaries, not data)
     */
    public synchronized void record(ObjectRef regarding, Type type, String reason, String action, String note) {
        String text = note.length() <= MAX_NOTE ? note : note.substring(0, MAX_NOTE - 1) + "…";
        String namespace = regarding.namespace().isEmpty() ? "default" : regarding.namespace();
        String key = regarding.key() + "|" + reason + "|" + text;
        Instant now = clock.instant();
        try {
            guard.check("Event on " + regarding);
            Sent previous = recent.get(key);
            if (previous != null && previous.first().plus(SERIES_WINDOW).isAfter(now)) {
                int count = previous.count() + 1;
                client.events()
                        .v1()
                        .events()
                        .inNamespace(previous.namespace())
                        .withName(previous.name())
                        .edit(e -> new EventBuilder(e)
                                .withSeries(new EventSeriesBuilder()
                                        .withCount(count)
                                        .withLastObservedTime(new MicroTime(MICRO.format(now)))
                                        .build())
                                .build());
                recent.put(key, new Sent(previous.namespace(), previous.name(), count, previous.first()));
                return;
            }
            if (!take(regarding.key(), now)) {
                LOG.debugf("events: too many events for %s; '%s' not recorded", regarding, reason);
                return;
            }
            Event event = new EventBuilder()
                    .withNewMetadata()
                    .withName(regarding.name() + "."
                            + Long.toHexString(now.getEpochSecond() * 1_000_000_000L
                                    + now.getNano()
                                    + sequence++)) // as kubelet names them: <object>.<unix nanos, hex>
                    .withNamespace(namespace)
                    .endMetadata()
                    .withRegarding(new ObjectReferenceBuilder()
                            .withApiVersion(regarding.apiVersion())
                            .withKind(regarding.kind())
                            .withNamespace(regarding.namespace().isEmpty() ? null : regarding.namespace())
                            .withName(regarding.name())
                            .withUid(uidOf(regarding))
                            .build())
                    .withType(type.name())
                    .withReason(reason)
                    .withAction(action)
                    .withNote(text)
                    .withEventTime(new MicroTime(MICRO.format(now)))
                    .withReportingController(CONTROLLER)
                    .withReportingInstance(instance)
                    .build();
            Event created = client.events()
                    .v1()
                    .events()
                    .inNamespace(namespace)
                    .resource(event)
                    .create();
            recent.put(key, new Sent(namespace, created.getMetadata().getName(), 1, now));
        } catch (RuntimeException e) {
            LOG.debugf("events: cannot record %s on %s: %s", reason, regarding, e.getMessage());
        }
    }

    /**
     * The object's uid, which {@code kubectl describe} selects its Events by; null for an object
     * that is gone (pruned), as the API server then matches on kind, namespace and name alone.
     */
    private String uidOf(ObjectRef ref) {
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
