package io.alfred.gitops.trigger;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Delivery ids (X-GitHub-Delivery, X-Gitlab-Event-UUID, Pub/Sub messageId) already accepted, so
 * that a replayed request, signature and all, queues nothing a second time. Bounded: the oldest
 * ids are forgotten first; a replay older than that only costs one extra no-op fetch.
 */
public final class DeliveryLog {
    static final int CAPACITY = 10_000;

    private final Map<String, Boolean> seen = new LinkedHashMap<>(256, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > CAPACITY;
        }
    };

    /** Whether {@code source}'s delivery {@code id} was accepted before. */
    public synchronized boolean seen(String source, String id) {
        return id != null && !id.isEmpty() && seen.containsKey(source + "\u0000" + id);
    }

    public synchronized void accepted(String source, String id) {
        if (id != null && !id.isEmpty()) {
            seen.put(source + "\u0000" + id, Boolean.TRUE);
        }
    }
}
