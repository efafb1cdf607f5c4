package io.alfred.gitops.sandbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.server.mock.KubernetesAttributesExtractor;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.crud.AttributeSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Objects by path, kept in fabric8's CRUD store so that its lists, label selectors and watches see
 * every write the sandbox makes.
 *
 * <p>fabric8 finds one object by scanning its whole map, which makes a cold apply quadratic (minutes
 * at 5,000 objects). Every write of the sandbox passes through here, so this class keeps the key
 * each object is stored under by path, and reads one object with a hash lookup instead.
 */
final class ObjectStore {
    static final ObjectMapper JSON = new ObjectMapper();

    private final KubernetesCrudDispatcher crud;
    private final KubernetesAttributesExtractor extractor;
    private final Map<String, AttributeSet> storedKeys = new ConcurrentHashMap<>();
    private final WatchHub watches = new WatchHub(10_000);

    ObjectStore(KubernetesCrudDispatcher crud, KubernetesAttributesExtractor extractor) {
        this.crud = crud;
        this.extractor = extractor;
    }

    /** The changes of this store, for HTTP watches. */
    WatchHub watches() {
        return watches;
    }

    ObjectNode get(String objectPath) {
        String json = raw(objectPath);
        return json == null ? null : parse(json);
    }

    /** The stored JSON of one object, or null. */
    synchronized String raw(String objectPath) {
        AttributeSet key = storedKeys.get(objectPath);
        return key == null ? null : crud.getMap().get(key);
    }

    /**
     * Runs a read of fabric8's store (a list) while no write is half done: fabric8 removes the old
     * entry before it adds the new one, and expects its callers to hold its lock, which the sandbox's
     * writes do not take.
     */
    synchronized <T> T read(Supplier<T> read) {
        return read.get();
    }

    /**
     * A watch's start, taken while no write is half done: the objects it starts from (for a watch without
     * resourceVersion) and the changes after.
     */
    record WatchStart(List<String> initial, long resourceVersion, BlockingQueue<WatchHub.Change> changes) {}

    /**
     * Opens a watch on the objects whose path passes {@code paths}: from {@code resourceVersion},
     * or, when it is null or "0", from the current state, sent as ADDED events first, as the API server
     * does for a watch that names no resourceVersion.
     */
    synchronized WatchStart watch(String resourceVersion, Predicate<String> paths) throws WatchHub.Expired {
        if (resourceVersion == null || resourceVersion.isEmpty() || resourceVersion.equals("0")) {
            List<String> initial = new ArrayList<>();
            storedKeys.forEach((path, key) -> {
                if (paths.test(path)) {
                    initial.add(crud.getMap().get(key));
                }
            });
            long now = watches.lastResourceVersion();
            return new WatchStart(initial, now, watches.watchFrom(now));
        }
        long from;
        try {
            from = Long.parseLong(resourceVersion);
        } catch (NumberFormatException e) {
            throw ApiError.badRequest("invalid resource version: " + resourceVersion);
        }
        return new WatchStart(List.of(), from, watches.watchFrom(from));
    }

    synchronized void put(String objectPath, ObjectNode object) {
        String json = write(object);
        AttributeSet pathKey = crud.getKey(objectPath);
        AttributeSet previous = storedKeys.get(objectPath);
        crud.processEvent(objectPath, pathKey, previous, null, json);
        storedKeys.put(objectPath, storedKeyOf(pathKey, json));
        watches.publish(new WatchHub.Change(
                previous == null ? "ADDED" : "MODIFIED", objectPath, json, resourceVersionOf(object)));
    }

    synchronized void remove(String objectPath) {
        AttributeSet existing = storedKeys.remove(objectPath);
        if (existing != null) {
            String last = crud.getMap().get(existing);
            crud.processEvent(objectPath, crud.getKey(objectPath), existing, null, null);
            watches.publish(new WatchHub.Change("DELETED", objectPath, last, Long.parseLong(nextResourceVersion())));
        }
    }

    /**
     * The key fabric8's {@code processEvent} files an object under: its attributes, with the plural from the path if
     * needed.
     */
    private AttributeSet storedKeyOf(AttributeSet pathKey, String json) {
        AttributeSet attributes = extractor.fromResource(json);
        AttributeSet key = attributes.containsKey(KubernetesAttributesExtractor.PLURAL)
                ? attributes
                : AttributeSet.merge(pathKey, attributes);
        if (!crud.getMap().containsKey(key)) {
            throw new IllegalStateException("fabric8 stored " + pathKey + " under an unexpected key");
        }
        return key;
    }

    private long resourceVersionOf(ObjectNode object) {
        String rv = object.path("metadata").path("resourceVersion").asText("");
        return rv.matches("\\d{1,18}") ? Long.parseLong(rv) : Long.parseLong(nextResourceVersion());
    }

    String nextResourceVersion() {
        return String.valueOf(crud.requestResourceVersion());
    }

    synchronized List<ObjectNode> all() {
        List<String> values;
        synchronized (crud.getMap()) {
            values = new ArrayList<>(crud.getMap().values());
        }
        List<ObjectNode> out = new ArrayList<>(values.size());
        values.forEach(v -> out.add(parse(v)));
        return out;
    }

    /**
     * The objects of one namespace, of the named resources only (all when none are named), whose
     * stored JSON contains {@code text} (an owner's uid, say), found by path and parsing only those:
     * the controllers run this after every write, and parsing a whole namespace each time made a
     * cold apply of thousands of objects quadratic.
     */
    synchronized List<ObjectNode> inNamespace(String namespace, List<String> plurals, String text) {
        List<String> markers = plurals.isEmpty()
                ? List.of("/namespaces/" + namespace + "/")
                : plurals.stream()
                        .map(p -> "/namespaces/" + namespace + "/" + p + "/")
                        .toList();
        List<ObjectNode> out = new ArrayList<>();
        storedKeys.forEach((path, key) -> {
            if (markers.stream().anyMatch(path::contains)) {
                String json = crud.getMap().get(key);
                if (json != null && (text.isEmpty() || json.contains(text))) {
                    out.add(parse(json));
                }
            }
        });
        return out;
    }

    int size() {
        return crud.getMap().size();
    }

    static ObjectNode parse(String json) {
        try {
            return (ObjectNode) JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("corrupt stored object", e);
        }
    }

    static String write(Object node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
