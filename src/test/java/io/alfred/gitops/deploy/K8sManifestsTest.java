package io.alfred.gitops.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.alfred.gitops.config.RenderSettings;
import io.alfred.gitops.render.Manifest;
import io.alfred.gitops.render.Renderer;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The manifests in k8s/ that deploy alfred-gitops itself: they render, parse, and grant what the code uses. */
class K8sManifestsTest {
    static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    /** Every API call the daemon makes, cluster-wide: group, resource, verb. */
    static final List<String[]> CLUSTER_CALLS = List.of(
            new String[] {"apps", "deployments", "get"}, new String[] {"apps", "deployments", "patch"},
            new String[] {"apps", "statefulsets", "patch"}, new String[] {"", "secrets", "patch"},
            new String[] {"", "namespaces", "get"}, new String[] {"", "namespaces", "patch"},
            new String[] {"", "namespaces", "watch"}, new String[] {"", "services", "delete"},
            new String[] {"apiextensions.k8s.io", "customresourcedefinitions", "patch"},
            new String[] {"apiextensions.k8s.io", "customresourcedefinitions", "watch"},
            new String[] {"policy", "poddisruptionbudgets", "list"},
            new String[] {"autoscaling", "horizontalpodautoscalers", "list"},
            new String[] {"monitoring.coreos.com", "servicemonitors", "patch"});

    /** Its own state in gitops.namespace. */
    static final List<String[]> STATE_CALLS = List.of(
            new String[] {"", "configmaps", "get"}, new String[] {"", "configmaps", "create"},
            new String[] {"", "configmaps", "update"}, new String[] {"", "configmaps", "patch"},
            new String[] {"coordination.k8s.io", "leases", "get"}, new String[] {"coordination.k8s.io", "leases", "create"},
            new String[] {"coordination.k8s.io", "leases", "update"});

    private static List<HasMetadata> render(String env) {
        List<Manifest> manifests = new Renderer(new RenderSettings("auto", Duration.ofMinutes(1), Map.of()))
                .render(Path.of("k8s"), "overlays/" + env, env + "-test").manifests();
        return manifests.stream().map(m -> SERIALIZATION.<HasMetadata>unmarshal(m.body().toString())).toList();
    }

    @SuppressWarnings("unchecked")
    private static <T> T one(List<HasMetadata> objects, Class<T> type) {
        return (T) objects.stream().filter(type::isInstance).findFirst().orElseThrow(() -> new AssertionError(type.getSimpleName()));
    }

    static boolean covers(List<PolicyRule> rules, String[] call) {
        return rules.stream().anyMatch(r -> matches(r.getApiGroups(), call[0]) && matches(r.getResources(), call[1])
                && matches(r.getVerbs(), call[2]));
    }

    private static boolean matches(List<String> allowed, String value) {
        return allowed != null && (allowed.contains("*") || allowed.contains(value));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void everyOverlayRendersAndParses(String env) {
        List<HasMetadata> objects = render(env);
        assertThat(objects).extracting(HasMetadata::getKind).contains("Namespace", "ServiceAccount", "ClusterRole",
                "ClusterRoleBinding", "Role", "RoleBinding", "ConfigMap", "Deployment", "Service", "PodDisruptionBudget",
                "NetworkPolicy", "ServiceMonitor");
        assertThat(objects).filteredOn(o -> !o.getKind().startsWith("Cluster") && !o.getKind().equals("Namespace"))
                .allMatch(o -> "alfred-gitops".equals(o.getMetadata().getNamespace()));
    }

    @Test
    void theDeploymentIsSafeToRun() {
        Deployment d = one(render("prod"), Deployment.class);
        assertThat(d.getSpec().getReplicas()).isEqualTo(2);
        assertThat(d.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal()).isZero();
        var pod = d.getSpec().getTemplate().getSpec();
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        var c = pod.getContainers().get(0);
        assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/q/health/live");
        assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/q/health/ready");
        assertThat(c.getResources().getRequests()).containsKeys("cpu", "memory");
        assertThat(c.getResources().getLimits()).containsKeys("cpu", "memory");
        assertThat(c.getVolumeMounts()).extracting(m -> m.getMountPath()).contains("/tmp", "/var/lib/alfred-gitops");
        assertThat(pod.getVolumes()).filteredOn(v -> v.getEmptyDir() != null).hasSize(2);
    }

    @Test
    void rbacCoversEveryCallTheCodeMakes() {
        List<HasMetadata> objects = render("dev");
        List<PolicyRule> cluster = one(objects, ClusterRole.class).getRules();
        List<PolicyRule> state = one(objects, Role.class).getRules();
        for (String[] call : CLUSTER_CALLS) {
            assertThat(covers(cluster, call)).as("ClusterRole grants %s %s/%s", call[2], call[0], call[1]).isTrue();
        }
        for (String[] call : STATE_CALLS) {
            assertThat(covers(state, call) || covers(cluster, call)).as("Role grants %s %s/%s", call[2], call[0], call[1])
                    .isTrue();
        }
        assertThat(covers(state, new String[] {"", "secrets", "get"})).as("the state Role needs no Secrets").isFalse();
    }
}
