package io.alfred.gitops.sandbox;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The sandbox's watch cache: every write of the {@link ObjectStore}, in resourceVersion order, kept
 * for a window of recent changes so that a watch can resume from a resourceVersion, as the API
 * server's watch cache does. A watch that asks for a resourceVersion older than the window gets
 * 410 Gone, as a real server answers once etcd has compacted it.
 */
final class WatchHub {
    /**
     * One change: ADDED, MODIFIED or DELETED, with the object's JSON as it was after the change
     * (before it, for DELETED: the watch gives it the deletion's resourceVersion).
     */
    record Change(String type, String objectPath, String json, long resourceVersion) {

        ObjectNode object() {
            ObjectNode object = ObjectStore.parse(json);
            if (type.equals("DELETED")) {
                ((ObjectNode) object.path("metadata")).put("resourceVersion", String.valueOf(resourceVersion));
            }
            return object;
        }
    }

    /** What a watch answers when its resourceVersion is older than the window. */
    static final class Expired extends Exception {
        Expired(long requested, long oldest) {
            super("too old resource version: " + requested + " (" + oldest + ")");
        }
    }

    private final int window;
    private final Deque<Change> recent = new ArrayDeque<>();
    private final Set<BlockingQueue<Change>> watchers = ConcurrentHashMap.newKeySet();
    private long oldest;

    WatchHub(int window) {
        this.window = window;
    }

    /** Called by the store, under its lock, for every write: so changes arrive in resourceVersion order. */
    synchronized void publish(Change change) {
        recent.addLast(change);
        if (recent.size() > window) {
            oldest = recent.removeFirst().resourceVersion();
        }
        for (BlockingQueue<Change> watcher : watchers) {
            watcher.offer(change);
        }
    }

    /**
     * A new watch: the changes after {@code resourceVersion} still in the window are queued first,
     * then every change as it happens. The caller closes it with {@link #cancel}.
     */
    synchronized BlockingQueue<Change> watchFrom(long resourceVersion) throws Expired {
        if (resourceVersion < oldest) {
            throw new Expired(resourceVersion, oldest);
        }
        BlockingQueue<Change> queue = new LinkedBlockingQueue<>();
        for (Change c : recent) {
            if (c.resourceVersion() > resourceVersion) {
                queue.offer(c);
            }
        }
        watchers.add(queue);
        return queue;
    }

    void cancel(BlockingQueue<Change> watch) {
        watchers.remove(watch);
    }

    /** The resourceVersion of the last change published (0 before the first). */
    synchronized long lastResourceVersion() {
        return recent.isEmpty() ? oldest : recent.getLast().resourceVersion();
    }
}
