package io.alfred.gitops.render;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The order objects are applied in: CRDs, Namespaces, other cluster-scoped objects, namespaced
 * configuration, workloads, everything else. Stable within each class (the render's own order).
 * PodDisruptionBudgets count as configuration so that a budget is in force before the workload
 * it protects rolls.
 */
public final class ApplyOrder {
    public enum Phase {
        CRDS,
        NAMESPACES,
        CLUSTER,
        CONFIG,
        WORKLOADS,
        OTHER
    }

    /** Built-in cluster-scoped kinds (group/Kind). CRDs of the render add their own. */
    private static final Set<String> CLUSTER_SCOPED = Set.of(
            "/Namespace",
            "/Node",
            "/PersistentVolume",
            "/ComponentStatus",
            "rbac.authorization.k8s.io/ClusterRole",
            "rbac.authorization.k8s.io/ClusterRoleBinding",
            "apiextensions.k8s.io/CustomResourceDefinition",
            "apiregistration.k8s.io/APIService",
            "storage.k8s.io/StorageClass",
            "storage.k8s.io/CSIDriver",
            "storage.k8s.io/CSINode",
            "storage.k8s.io/VolumeAttachment",
            "scheduling.k8s.io/PriorityClass",
            "node.k8s.io/RuntimeClass",
            "networking.k8s.io/IngressClass",
            "admissionregistration.k8s.io/ValidatingWebhookConfiguration",
            "admissionregistration.k8s.io/MutatingWebhookConfiguration",
            "admissionregistration.k8s.io/ValidatingAdmissionPolicy",
            "admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding",
            "certificates.k8s.io/CertificateSigningRequest",
            "flowcontrol.apiserver.k8s.io/FlowSchema",
            "flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration");

    private static final Set<String> CONFIG = Set.of(
            "/ServiceAccount",
            "/ConfigMap",
            "/Secret",
            "/PersistentVolumeClaim",
            "/Service",
            "/LimitRange",
            "/ResourceQuota",
            "rbac.authorization.k8s.io/Role",
            "rbac.authorization.k8s.io/RoleBinding",
            "policy/PodDisruptionBudget");

    private static final Set<String> WORKLOADS = Set.of(
            "apps/Deployment",
            "apps/StatefulSet",
            "apps/DaemonSet",
            "apps/ReplicaSet",
            "/ReplicationController",
            "/Pod",
            "batch/Job",
            "batch/CronJob");

    private ApplyOrder() {}

    public static List<Manifest> sort(List<Manifest> manifests) {
        Set<String> clusterScopedCustom = customClusterScopedKinds(manifests);
        List<Manifest> sorted = new ArrayList<>(manifests);
        sorted.sort(Comparator.comparing(m -> phaseOf(m.ref(), clusterScopedCustom)));
        return sorted;
    }

    public static Phase phaseOf(ObjectRef ref, Set<String> clusterScopedCustom) {
        String gk = ref.group() + "/" + ref.kind();
        if (gk.equals("apiextensions.k8s.io/CustomResourceDefinition")) {
            return Phase.CRDS;
        }
        if (gk.equals("/Namespace")) {
            return Phase.NAMESPACES;
        }
        if (isClusterScoped(ref, clusterScopedCustom)) {
            return Phase.CLUSTER;
        }
        if (CONFIG.contains(gk)) {
            return Phase.CONFIG;
        }
        return WORKLOADS.contains(gk) ? Phase.WORKLOADS : Phase.OTHER;
    }

    public static boolean isClusterScoped(ObjectRef ref, Set<String> clusterScopedCustom) {
        String gk = ref.group() + "/" + ref.kind();
        return CLUSTER_SCOPED.contains(gk) || clusterScopedCustom.contains(gk);
    }

    /** group/Kind of the cluster-scoped custom resources that CRDs in this render define. */
    public static Set<String> customClusterScopedKinds(List<Manifest> manifests) {
        Set<String> kinds = new HashSet<>();
        for (Manifest m : manifests) {
            if (m.ref().kind().equals("CustomResourceDefinition")
                    && "Cluster".equals(m.body().path("spec").path("scope").asText())) {
                kinds.add(m.body().path("spec").path("group").asText() + "/"
                        + m.body().path("spec").path("names").path("kind").asText());
            }
        }
        return kinds;
    }
}
