package io.alfred.gitops.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Watches over plain HTTP, as kubectl and client-go make them ({@code get -w}, {@code rollout
 * status}): a chunked response of one JSON event per line, resumed from the resourceVersion asked
 * for, with bookmarks when asked for, 410 Gone (as an ERROR event) for a resourceVersion older than
 * the watch cache, Table rows when the client asks for Tables, label and field selectors, and
 * {@code timeoutSeconds}. fabric8's mock server serves WebSocket watches itself.
 */
final class HttpWatches {
    private final ObjectStore store;
    private final ResourceCatalog catalog;
    private final Duration bookmarkInterval;

    HttpWatches(ObjectStore store, ResourceCatalog catalog, Duration bookmarkInterval) {
        this.store = store;
        this.catalog = catalog;
        this.bookmarkInterval = bookmarkInterval;
    }

    /** The type a request watches, when it is a watch this class serves. */
    Optional<ResourceType> watched(String method, ApiPath path) {
        String watch = path.query().get("watch");
        if (!"GET".equals(method)
                || !("true".equals(watch) || "1".equals(watch))
                || path.group() == null
                || path.plural() == null
                || path.subresource() != null) {
            return Optional.empty();
        }
        return catalog.byPlural(path.group(), path.version(), path.plural());
    }

    /**
     * Streams the watch to {@code out} until {@code timeoutSeconds} passes or the client goes away
     * (the caller interrupts this thread).
     */
    void serve(ResourceType type, ApiPath path, String accept, OutputStream out) throws IOException {
        Predicate<JsonNode> selected = selection(path);
        boolean tables = Tables.wanted(accept);
        boolean bookmarks = "true".equals(path.query().get("allowWatchBookmarks"));
        String timeout = path.query().get("timeoutSeconds");
        Instant end = timeout == null || !timeout.matches("\\d{1,9}")
                ? Instant.MAX
                : Instant.now().plusSeconds(Long.parseLong(timeout));
        out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nCache-Control: no-cache, private\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        ObjectStore.WatchStart start;
        try {
            start = store.watch(path.query().get("resourceVersion"), objectPath -> sameType(type, path, objectPath));
        } catch (WatchHub.Expired e) {
            ObjectNode status = new ApiError(410, "Expired", e.getMessage(), null, null, null, null).toStatus();
            chunk(out, event("ERROR", status));
            finish(out);
            return;
        }
        try {
            for (String json : start.initial()) {
                ObjectNode object = ObjectStore.parse(json);
                if (selected.test(object)) {
                    chunk(out, event("ADDED", shown(type, object, tables)));
                }
            }
            long lastSent = start.resourceVersion();
            Instant nextBookmark = Instant.now().plus(bookmarkInterval);
            while (Instant.now().isBefore(end)) {
                WatchHub.Change change = start.changes().poll(200, TimeUnit.MILLISECONDS);
                if (change != null) {
                    lastSent = change.resourceVersion();
                    if (sameType(type, path, change.objectPath())) {
                        ObjectNode object = change.object();
                        if (selected.test(object)) {
                            chunk(out, event(change.type(), shown(type, object, tables)));
                        }
                    }
                } else if (bookmarks && Instant.now().isAfter(nextBookmark)) {
                    ObjectNode bookmark = JsonNodeFactory.instance
                            .objectNode()
                            .put("kind", type.kind())
                            .put("apiVersion", type.groupVersion());
                    bookmark.putObject("metadata").put("resourceVersion", String.valueOf(lastSent));
                    chunk(out, event("BOOKMARK", bookmark));
                    nextBookmark = Instant.now().plus(bookmarkInterval);
                }
            }
            finish(out);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            store.watches().cancel(start.changes());
        }
    }

    private static Predicate<JsonNode> selection(ApiPath path) {
        String labels = path.query().get("labelSelector");
        String fields = path.query().get("fieldSelector");
        Predicate<JsonNode> byLabels = labels == null || labels.isBlank() ? o -> true : LabelSelector.parse(labels);
        return fields == null || fields.isBlank() ? byLabels : byLabels.and(o -> FieldSelector.matches(fields, o));
    }

    private static boolean sameType(ResourceType type, ApiPath watch, String objectPath) {
        ApiPath p = ApiPath.parse(objectPath);
        return type.group().equals(p.group())
                && type.plural().equals(p.plural())
                && (watch.namespace() == null || watch.namespace().equals(p.namespace()));
    }

    private static JsonNode shown(ResourceType type, ObjectNode object, boolean tables) {
        return tables
                ? Tables.of(
                        type,
                        List.of(object),
                        object.path("metadata").path("resourceVersion").asText(),
                        Instant.now())
                : object;
    }

    private static byte[] event(String type, JsonNode object) {
        ObjectNode event = JsonNodeFactory.instance.objectNode().put("type", type);
        event.set("object", object);
        return (ObjectStore.write(event) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private static void chunk(OutputStream out, byte[] data) throws IOException {
        out.write((Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(data);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static void finish(OutputStream out) throws IOException {
        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }
}
