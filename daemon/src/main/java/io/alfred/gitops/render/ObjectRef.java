package io.alfred.gitops.render;

/**
 * Identity of a Kubernetes object: API group, kind, namespace (empty for cluster-scoped) and name.
 * The version is not part of the identity: the same object may be served under several versions.
 */
public record ObjectRef(String group, String version, String kind, String namespace, String name) {

    public static ObjectRef of(String apiVersion, String kind, String namespace, String name) {
        int slash = apiVersion.indexOf('/');
        String group = slash < 0 ? "" : apiVersion.substring(0, slash);
        String version = slash < 0 ? apiVersion : apiVersion.substring(slash + 1);
        return new ObjectRef(group, version, kind, namespace == null ? "" : namespace, name);
    }

    public String apiVersion() {
        return group.isEmpty() ? version : group + "/" + version;
    }

    /** The identity used for duplicates and inventories: {@code group/Kind/namespace/name}. */
    public String key() {
        return group + "/" + kind + "/" + namespace + "/" + name;
    }

    /** {@code Kind/namespace/name} ({@code Kind/name} when cluster-scoped), as Flux and kubectl print it. */
    public String slashed() {
        return kind + "/" + (namespace.isEmpty() ? "" : namespace + "/") + name;
    }

    @Override
    public String toString() {
        return kind + " " + (namespace.isEmpty() ? "" : namespace + "/") + name;
    }
}
