package io.alfred.gitops.drift;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.alfred.gitops.render.ObjectRef;
import io.alfred.gitops.support.Subset;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * An informer's store for one kind that keeps, per object, only its identity, resourceVersion,
 * generation and a verdict: whether the object held every field of git's object when it was last
 * seen, with the {@link GitDigest} of the git object the verdict is about. No part of the live
 * object is kept (a few hundred bytes per object, whatever its size). The informer gets a stand-in
 * holding the identity back ({@link #isFullState()} is false, so it expects no more).
 */
final class VerdictStore implements ItemStore<GenericKubernetesResource> {

    /**
     * What is kept of one live object.
     *
     * @param checked the digest of git's object the verdict was made against; null when git had none
     * @param holdsGit whether the live object held every field of that git object; false when git had none
     */
    record Known(
            String namespace,
            String name,
            String resourceVersion,
            Long generation,
            GitDigest checked,
            boolean holdsGit) {}

    private final String apiVersion;
    private final String kind;
    private final KubernetesSerialization serialization;
    /** git's object, or null when git has none (yet) */
    private final Function<ObjectRef, GitObject> git;

    private final Map<String, Known> objects = new ConcurrentHashMap<>();
    private volatile Converted lastConverted;

    VerdictStore(
            String apiVersion, String kind, KubernetesSerialization serialization, Function<ObjectRef, GitObject> git) {
        this.apiVersion = apiVersion;
        this.kind = kind;
        this.serialization = serialization;
        this.git = git;
    }

    /**
     * Whether the object {@code ref} held every field of {@code body} when last seen: false when the
     * store does not hold it, or its verdict was made for other content.
     */
    boolean holds(ObjectRef ref, JsonNode body) {
        Known known =
                objects.get(Cache.namespaceKeyFunc(ref.namespace().isEmpty() ? null : ref.namespace(), ref.name()));
        if (known == null || !known.holdsGit()) {
            return false;
        }
        GitObject current = git.apply(ref);
        GitDigest asked = current != null ? current.digestOf(body) : GitDigest.of(body);
        return known.checked().equals(asked);
    }

    @Override
    public String getKey(GenericKubernetesResource object) {
        return Cache.metaNamespaceKeyFunc(object);
    }

    @Override
    public GenericKubernetesResource put(String key, GenericKubernetesResource object) {
        var metadata = object.getMetadata();
        GitObject wanted = git.apply(ObjectRef.of(apiVersion, kind, metadata.getNamespace(), metadata.getName()));
        Known known = new Known(
                metadata.getNamespace(),
                metadata.getName(),
                metadata.getResourceVersion(),
                metadata.getGeneration(),
                wanted == null ? null : wanted.digest(),
                wanted != null && Subset.holds(wanted.body(), json(object)));
        return standIn(objects.put(key, known));
    }

    /**
     * The object as a JSON tree, converted once: the informer hands the same instance to this store
     * and then to the event handler, on one thread.
     */
    JsonNode json(GenericKubernetesResource object) {
        Converted last = lastConverted;
        if (last != null && last.object() == object) {
            return last.json();
        }
        ObjectNode json = serialization.convertValue(object, ObjectNode.class);
        // a real server leaves them out of list items
        json.put("apiVersion", apiVersion).put("kind", kind);
        lastConverted = new Converted(object, json);
        return json;
    }

    private record Converted(GenericKubernetesResource object, JsonNode json) {}

    @Override
    public GenericKubernetesResource remove(String key) {
        return standIn(objects.remove(key));
    }

    @Override
    public Stream<String> keySet() {
        return objects.keySet().stream();
    }

    @Override
    public Stream<GenericKubernetesResource> values() {
        return objects.values().stream().map(this::standIn);
    }

    @Override
    public int size() {
        return objects.size();
    }

    @Override
    public GenericKubernetesResource get(String key) {
        return standIn(objects.get(key));
    }

    @Override
    public boolean isFullState() {
        return false;
    }

    private GenericKubernetesResource standIn(Known known) {
        if (known == null) {
            return null;
        }
        GenericKubernetesResource r = new GenericKubernetesResource();
        r.setApiVersion(apiVersion);
        r.setKind(kind);
        r.setMetadata(new ObjectMetaBuilder()
                .withNamespace(known.namespace())
                .withName(known.name())
                .withResourceVersion(known.resourceVersion())
                .withGeneration(known.generation())
                .build());
        return r;
    }
}
