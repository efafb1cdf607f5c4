package io.alfred.gitops.events;

import io.alfred.gitops.cluster.ServerMessage;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jboss.logging.Logger;

/**
 * The durable outbox: ConfigMap {@code alfred-gitops-outbox} in {@code gitops.namespace}, one
 * data key per event ({@code <sequence>}: the event), written before the event is published and
 * removed once Pub/Sub acknowledged it, so neither a Pub/Sub outage nor a restart loses one.
 * Writes use the ConfigMap's resourceVersion and are retried on conflict. Bounded: when full,
 * {@code planned} events are compacted first; other events are never dropped, and the cycle waits
 * for room (readiness and {@code gitops_outbox_full} say so).
 */
public final class Outbox implements EventSink {
    private static final Logger LOG = Logger.getLogger(Outbox.class);
    public static final String NAME = "alfred-gitops-outbox";
    static final int MAX_BYTES = 900 * 1024;

    private final KubernetesClient client;
    private final String namespace;
    private final int capacity;
    private final OutboxStatus status;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    /** Events that could not be stored yet (API server unreachable); stored first, in order, next time. */
    private final Deque<DeployEvent> unsaved = new ArrayDeque<>();

    /** One pending event and its key in the ConfigMap. */
    public record Entry(String key, DeployEvent event) {}

    public Outbox(KubernetesClient client, String namespace, int capacity, OutboxStatus status) {
        this.client = client;
        this.namespace = namespace;
        this.capacity = capacity;
        this.status = status;
    }

    @Override
    public void emit(DeployEvent event) {
        lock.lock();
        try {
            unsaved.addLast(event);
            long backoff = 200;
            while (!unsaved.isEmpty()) {
                try {
                    if (!store(unsaved.peekFirst())) {
                        status.full(true);
                        LOG.warnf("events: the outbox is full of events Pub/Sub has not acknowledged; the cycle waits");
                        changed.await(1, TimeUnit.SECONDS);
                        continue;
                    }
                    status.full(false);
                    unsaved.removeFirst();
                    backoff = 200;
                } catch (KubernetesClientException e) {
                    if (e.getCode() == 409) {
                        continue; // someone else wrote the ConfigMap: read it again
                    }
                    if (backoff > 8000) {
                        LOG.errorf(
                                "events: cannot store %d event(s) in ConfigMap %s/%s (%s); they are kept in memory and "
                                        + "stored before the next one",
                                unsaved.size(), namespace, NAME, ServerMessage.of(e));
                        return;
                    }
                    changed.await(backoff, TimeUnit.MILLISECONDS);
                    backoff *= 2;
                }
            }
            changed.signalAll();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    /** False when there is no room and the event may not be dropped. */
    private boolean store(DeployEvent event) {
        ConfigMap cm = client.configMaps().inNamespace(namespace).withName(NAME).get();
        TreeMap<String, String> data = new TreeMap<>(cm == null || cm.getData() == null ? Map.of() : cm.getData());
        String stored = event.toStored();
        while (data.size() >= capacity || bytes(data) + stored.length() > MAX_BYTES) {
            String planned = data.entrySet().stream()
                    .filter(e -> DeployEvent.fromStored(e.getValue()).type().droppable())
                    .map(Map.Entry::getKey)
                    .findFirst()
                    .orElse(null);
            if (planned == null) {
                if (event.type().droppable()) {
                    status.dropped();
                    LOG.warnf("events: outbox full, planned event %s compacted away", event.id());
                    return true;
                }
                return false;
            }
            data.remove(planned);
            status.dropped();
        }
        long next = data.isEmpty() ? 1 : Long.parseLong(data.lastKey()) + 1;
        data.put(String.format("%012d", next), stored);
        write(cm, data);
        status.pending(data.size());
        return true;
    }

    public List<Entry> pending() {
        ConfigMap cm = client.configMaps().inNamespace(namespace).withName(NAME).get();
        List<Entry> out = new ArrayList<>();
        if (cm != null && cm.getData() != null) {
            new TreeMap<>(cm.getData()).forEach((k, v) -> out.add(new Entry(k, DeployEvent.fromStored(v))));
        }
        status.pending(out.size());
        return out;
    }

    /** Removes an acknowledged event (retried on conflict). */
    public void remove(String key) {
        lock.lock();
        try {
            for (int attempt = 0; ; attempt++) {
                ConfigMap cm = client.configMaps()
                        .inNamespace(namespace)
                        .withName(NAME)
                        .get();
                if (cm == null || cm.getData() == null || !cm.getData().containsKey(key)) {
                    return;
                }
                TreeMap<String, String> data = new TreeMap<>(cm.getData());
                data.remove(key);
                try {
                    write(cm, data);
                    status.pending(data.size());
                    changed.signalAll();
                    return;
                } catch (KubernetesClientException e) {
                    if (e.getCode() != 409 || attempt > 20) {
                        throw e;
                    }
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Waits until an event is added or removed, or the timeout passes. */
    public void awaitChange(long millis) throws InterruptedException {
        lock.lock();
        try {
            changed.await(millis, TimeUnit.MILLISECONDS);
        } finally {
            lock.unlock();
        }
    }

    private void write(ConfigMap existing, Map<String, String> data) {
        if (existing == null) {
            if (client.namespaces().withName(namespace).get() == null) {
                client.namespaces()
                        .resource(new NamespaceBuilder()
                                .withNewMetadata()
                                .withName(namespace)
                                .addToLabels("app.kubernetes.io/part-of", "alfred-gitops")
                                .endMetadata()
                                .build())
                        .create();
            }
            client.configMaps()
                    .inNamespace(namespace)
                    .resource(new ConfigMapBuilder()
                            .withNewMetadata()
                            .withName(NAME)
                            .withNamespace(namespace)
                            .addToLabels("app.kubernetes.io/part-of", "alfred-gitops")
                            .endMetadata()
                            .withData(data)
                            .build())
                    .create();
        } else {
            ConfigMap next = new ConfigMapBuilder(existing).withData(data).build();
            client.configMaps().inNamespace(namespace).resource(next).update(); // resourceVersion: 409 on a race
        }
    }

    private static long bytes(Map<String, String> data) {
        long n = 0;
        for (Map.Entry<String, String> e : data.entrySet()) {
            n += e.getKey().length() + e.getValue().length();
        }
        return n;
    }
}
