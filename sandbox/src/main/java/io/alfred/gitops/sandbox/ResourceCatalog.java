package io.alfred.gitops.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The resource types the sandbox serves: the built-in kinds the daemon and the example use, plus
 * those of every CRD stored (served as soon as it is created, as a real server does once the CRD is
 * Established). Answers discovery the legacy way ({@code /api}, {@code /apis}, {@code /apis/G/V}),
 * which kubectl and fabric8 both fall back to.
 */
final class ResourceCatalog {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final List<String> VERBS =
            List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");

    /** The built-in resources a real API server puts in category {@code all}. */
    private static final Set<String> IN_CATEGORY_ALL = Set.of(
            "/pods",
            "/services",
            "/replicationcontrollers",
            "apps/deployments",
            "apps/statefulsets",
            "apps/daemonsets",
            "apps/replicasets",
            "batch/jobs",
            "batch/cronjobs",
            "autoscaling/horizontalpodautoscalers");

    private final List<ResourceType> builtIn = new ArrayList<>();
    private final List<ResourceType> custom = new CopyOnWriteArrayList<>();

    ResourceCatalog() {
        core("namespaces", "Namespace", false, true, "ns");
        core("configmaps", "ConfigMap", true, false, "cm");
        core("secrets", "Secret", true, false);
        core("services", "Service", true, true, "svc");
        core("serviceaccounts", "ServiceAccount", true, false, "sa");
        core("persistentvolumeclaims", "PersistentVolumeClaim", true, true, "pvc");
        core("persistentvolumes", "PersistentVolume", false, true, "pv");
        core("pods", "Pod", true, true, "po");
        core("events", "Event", true, false, "ev");
        core("endpoints", "Endpoints", true, false, "ep");
        core("limitranges", "LimitRange", true, false, "limits");
        core("resourcequotas", "ResourceQuota", true, true, "quota");
        core("nodes", "Node", false, true, "no");
        add("apps", "v1", "deployments", "Deployment", true, true, "deploy");
        add("apps", "v1", "statefulsets", "StatefulSet", true, true, "sts");
        add("apps", "v1", "daemonsets", "DaemonSet", true, true, "ds");
        add("apps", "v1", "replicasets", "ReplicaSet", true, true, "rs");
        add("batch", "v1", "jobs", "Job", true, true);
        add("batch", "v1", "cronjobs", "CronJob", true, true, "cj");
        add("networking.k8s.io", "v1", "ingresses", "Ingress", true, true, "ing");
        add("networking.k8s.io", "v1", "networkpolicies", "NetworkPolicy", true, false, "netpol");
        add("networking.k8s.io", "v1", "ingressclasses", "IngressClass", false, false);
        add("policy", "v1", "poddisruptionbudgets", "PodDisruptionBudget", true, true, "pdb");
        add("autoscaling", "v2", "horizontalpodautoscalers", "HorizontalPodAutoscaler", true, true, "hpa");
        add("autoscaling", "v1", "horizontalpodautoscalers", "HorizontalPodAutoscaler", true, true, "hpa");
        add("rbac.authorization.k8s.io", "v1", "roles", "Role", true, false);
        add("rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", true, false);
        add("rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", false, false);
        add("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "ClusterRoleBinding", false, false);
        add(
                "apiextensions.k8s.io",
                "v1",
                "customresourcedefinitions",
                "CustomResourceDefinition",
                false,
                true,
                "crd",
                "crds");
        add("coordination.k8s.io", "v1", "leases", "Lease", true, false);
        add("storage.k8s.io", "v1", "storageclasses", "StorageClass", false, false, "sc");
        add("scheduling.k8s.io", "v1", "priorityclasses", "PriorityClass", false, false, "pc");
        add("events.k8s.io", "v1", "events", "Event", true, false, "ev");
    }

    private void core(String plural, String kind, boolean namespaced, boolean status, String... shortNames) {
        add("", "v1", plural, kind, namespaced, status, shortNames);
    }

    private void add(
            String group,
            String version,
            String plural,
            String kind,
            boolean namespaced,
            boolean status,
            String... shortNames) {
        builtIn.add(new ResourceType(
                group, version, plural, kind.toLowerCase(), kind, namespaced, List.of(shortNames), status, List.of()));
    }

    List<ResourceType> all() {
        List<ResourceType> all = new ArrayList<>(builtIn);
        all.addAll(custom);
        return all;
    }

    Optional<ResourceType> byPlural(String group, String version, String plural) {
        return all().stream()
                .filter(t -> t.group().equals(group)
                        && t.version().equals(version)
                        && t.plural().equals(plural))
                .findFirst();
    }

    Optional<ResourceType> byKind(String group, String version, String kind) {
        return all().stream()
                .filter(t -> t.group().equals(group)
                        && t.version().equals(version)
                        && t.kind().equals(kind))
                .findFirst();
    }

    /** Where an object of a served kind is stored, from its apiVersion, kind, namespace and name. */
    Optional<String> objectPath(JsonNode object) {
        String apiVersion = object.path("apiVersion").asText();
        int slash = apiVersion.indexOf('/');
        String group = slash < 0 ? "" : apiVersion.substring(0, slash);
        String version = apiVersion.substring(slash + 1);
        return byKind(group, version, object.path("kind").asText())
                .map(t -> t.objectPath(
                        object.path("metadata").path("namespace").asText(""),
                        object.path("metadata").path("name").asText()));
    }

    /** Whether a CRD defines this type. */
    boolean isCustom(ResourceType type) {
        return custom.contains(type);
    }

    boolean servesGroupVersion(String group, String version) {
        return all().stream()
                .anyMatch(t -> t.group().equals(group) && t.version().equals(version));
    }

    /** Registers the served versions of a CRD; replaces what an earlier version of it registered. */
    void register(JsonNode crd) {
        unregister(crd);
        JsonNode spec = crd.path("spec");
        JsonNode names = spec.path("names");
        List<String> shortNames = new ArrayList<>();
        names.path("shortNames").forEach(n -> shortNames.add(n.asText()));
        for (JsonNode v : spec.path("versions")) {
            if (v.path("served").asBoolean(true)) {
                List<ResourceType.PrinterColumn> columns = new ArrayList<>();
                for (JsonNode c : v.path("additionalPrinterColumns")) {
                    columns.add(new ResourceType.PrinterColumn(
                            c.path("name").asText(),
                            c.path("type").asText("string"),
                            c.path("jsonPath").asText(),
                            c.path("priority").asInt(0)));
                }
                custom.add(new ResourceType(
                        spec.path("group").asText(),
                        v.path("name").asText(),
                        names.path("plural").asText(),
                        names.path("singular")
                                .asText(names.path("kind").asText().toLowerCase()),
                        names.path("kind").asText(),
                        !"Cluster".equals(spec.path("scope").asText()),
                        List.copyOf(shortNames),
                        v.path("subresources").has("status"),
                        List.copyOf(columns)));
            }
        }
    }

    void unregister(JsonNode crd) {
        String group = crd.path("spec").path("group").asText();
        String plural = crd.path("spec").path("names").path("plural").asText();
        custom.removeIf(t -> t.group().equals(group) && t.plural().equals(plural));
    }

    void reset() {
        custom.clear();
    }

    ObjectNode coreVersions(String serverAddress) {
        ObjectNode doc = JSON.objectNode().put("kind", "APIVersions");
        doc.putArray("versions").add("v1");
        doc.putArray("serverAddressByClientCIDRs")
                .addObject()
                .put("clientCIDR", "0.0.0.0/0")
                .put("serverAddress", serverAddress);
        return doc;
    }

    ObjectNode groups() {
        Map<String, List<String>> versions = new LinkedHashMap<>();
        for (ResourceType t : all()) {
            if (!t.group().isEmpty()) {
                List<String> vs = versions.computeIfAbsent(t.group(), g -> new ArrayList<>());
                if (!vs.contains(t.version())) {
                    vs.add(t.version());
                }
            }
        }
        ObjectNode doc = JSON.objectNode().put("kind", "APIGroupList").put("apiVersion", "v1");
        ArrayNode groups = doc.putArray("groups");
        versions.forEach((group, vs) -> {
            ObjectNode g = groups.addObject().put("name", group);
            ArrayNode list = g.putArray("versions");
            vs.forEach(
                    v -> list.addObject().put("groupVersion", group + "/" + v).put("version", v));
            g.putObject("preferredVersion")
                    .put("groupVersion", group + "/" + vs.get(0))
                    .put("version", vs.get(0));
        });
        return doc;
    }

    ObjectNode group(String group) {
        for (JsonNode g : groups().path("groups")) {
            if (g.path("name").asText().equals(group)) {
                return ((ObjectNode) g.deepCopy()).put("kind", "APIGroup").put("apiVersion", "v1");
            }
        }
        return null;
    }

    ObjectNode resources(String group, String version) {
        ObjectNode doc = JSON.objectNode()
                .put("kind", "APIResourceList")
                .put("apiVersion", "v1")
                .put("groupVersion", group.isEmpty() ? version : group + "/" + version);
        ArrayNode resources = doc.putArray("resources");
        for (ResourceType t : all()) {
            if (t.group().equals(group) && t.version().equals(version)) {
                ObjectNode r = resources
                        .addObject()
                        .put("name", t.plural())
                        .put("singularName", t.singular())
                        .put("namespaced", t.namespaced())
                        .put("kind", t.kind());
                ArrayNode verbs = r.putArray("verbs");
                VERBS.forEach(verbs::add);
                if (!t.shortNames().isEmpty()) {
                    ArrayNode sn = r.putArray("shortNames");
                    t.shortNames().forEach(sn::add);
                }
                if (IN_CATEGORY_ALL.contains(t.group() + "/" + t.plural())) {
                    r.putArray("categories").add("all"); // what `kubectl get all` resolves
                }
                if (t.group().equals("apps")
                        && List.of("Deployment", "StatefulSet", "ReplicaSet").contains(t.kind())) {
                    ObjectNode scale = resources
                            .addObject()
                            .put("name", t.plural() + "/scale")
                            .put("singularName", "")
                            .put("namespaced", true)
                            .put("kind", "Scale")
                            .put("group", "autoscaling")
                            .put("version", "v1");
                    scale.putArray("verbs").add("get").add("patch").add("update");
                }
                if (t.statusSubresource()) {
                    resources
                            .addObject()
                            .put("name", t.plural() + "/status")
                            .put("singularName", "")
                            .put("namespaced", t.namespaced())
                            .put("kind", t.kind())
                            .putArray("verbs")
                            .add("get")
                            .add("patch")
                            .add("update");
                }
            }
        }
        return doc;
    }
}
