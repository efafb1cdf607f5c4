package io.alfred.gitops.plan;

import io.alfred.gitops.cluster.NoAnswerRetry;
import io.alfred.gitops.render.Manifest;
import io.alfred.gitops.render.ObjectRef;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The kinds the cluster serves, from discovery, asked once per group/version per cycle (a CRD
 * created during the cycle calls for {@link #forget}).
 */
public final class ClusterKinds {
    private final KubernetesClient client;
    private final Map<String, Optional<APIResourceList>> cache = new ConcurrentHashMap<>();

    public ClusterKinds(KubernetesClient client) {
        this.client = client;
    }

    public Optional<APIResource> find(ObjectRef ref) {
        return resources(ref.apiVersion())
                .flatMap(list -> list.getResources().stream()
                        .filter(r ->
                                r.getKind().equals(ref.kind()) && !r.getName().contains("/"))
                        .findFirst());
    }

    public ResourceDefinitionContext context(ObjectRef ref) {
        APIResource r = find(ref).orElseThrow(() -> new IllegalStateException("not served: " + ref));
        return new ResourceDefinitionContext.Builder()
                .withGroup(ref.group())
                .withVersion(ref.version())
                .withKind(ref.kind())
                .withPlural(r.getName())
                .withNamespaced(Boolean.TRUE.equals(r.getNamespaced()))
                .build();
    }

    /** The object of a rendered manifest, through the served resource of its kind (with its body, to apply). */
    public Resource<GenericKubernetesResource> resource(Manifest m) {
        ResourceDefinitionContext ctx = context(m.ref());
        GenericKubernetesResource body =
                client.getKubernetesSerialization().convertValue(m.body(), GenericKubernetesResource.class);
        var resources = client.genericKubernetesResources(ctx);
        return ctx.isNamespaceScoped()
                ? resources.inNamespace(m.ref().namespace()).resource(body)
                : resources.resource(body);
    }

    /** An object by identity, through the served resource of its kind (to read or delete). */
    public Resource<GenericKubernetesResource> named(ObjectRef ref) {
        ResourceDefinitionContext ctx = context(ref);
        var resources = client.genericKubernetesResources(ctx);
        return ctx.isNamespaceScoped()
                ? resources.inNamespace(ref.namespace()).withName(ref.name())
                : resources.withName(ref.name());
    }

    public void forget() {
        cache.clear();
    }

    private Optional<APIResourceList> resources(String groupVersion) {
        return cache.computeIfAbsent(groupVersion, gv -> {
            try {
                return Optional.ofNullable(NoAnswerRetry.call(() -> client.getApiResources(gv)));
            } catch (KubernetesClientException e) {
                if (e.getCode() == 404) {
                    return Optional.empty();
                }
                throw e;
            }
        });
    }
}
