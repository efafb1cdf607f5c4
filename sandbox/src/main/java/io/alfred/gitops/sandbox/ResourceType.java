package io.alfred.gitops.sandbox;

import java.util.List;

/** One served resource: what discovery lists and what a request path names. */
record ResourceType(
        String group,
        String version,
        String plural,
        String singular,
        String kind,
        boolean namespaced,
        List<String> shortNames,
        boolean statusSubresource,
        List<PrinterColumn> printerColumns) {

    /** A CRD's {@code additionalPrinterColumns} entry: what {@code kubectl get} shows for its resources. */
    record PrinterColumn(String name, String type, String jsonPath, int priority) {}

    String groupVersion() {
        return group.isEmpty() ? version : group + "/" + version;
    }

    /** How the API server names the kind in messages: {@code Deployment.apps}, {@code ConfigMap}. */
    String qualifiedKind() {
        return group.isEmpty() ? kind : kind + "." + group;
    }

    /** The path of one object of this type, as the CRUD store keys it. */
    String objectPath(String namespace, String name) {
        StringBuilder sb = new StringBuilder(group.isEmpty() ? "/api/" + version : "/apis/" + group + "/" + version);
        if (namespaced) {
            sb.append("/namespaces/").append(namespace);
        }
        return sb.append('/').append(plural).append('/').append(name).toString();
    }

    /** How the API server names the resource in NotFound messages: {@code deployments.apps}, {@code configmaps}. */
    String qualifiedPlural() {
        return group.isEmpty() ? plural : plural + "." + group;
    }
}
