package io.alfred.gitops.sandbox;

import java.util.List;

/** One served resource: what discovery lists and what a request path names. */
record ResourceType(String group, String version, String plural, String singular, String kind, boolean namespaced,
        List<String> shortNames, boolean statusSubresource) {

    String groupVersion() {
        return group.isEmpty() ? version : group + "/" + version;
    }

    /** How the API server names the kind in messages: {@code Deployment.apps}, {@code ConfigMap}. */
    String qualifiedKind() {
        return group.isEmpty() ? kind : kind + "." + group;
    }

    /** How the API server names the resource in NotFound messages: {@code deployments.apps}, {@code configmaps}. */
    String qualifiedPlural() {
        return group.isEmpty() ? plural : plural + "." + group;
    }
}
