package io.alfred.gitops.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.alfred.gitops.Revision;
import io.alfred.gitops.config.RenderSettings;
import io.alfred.gitops.events.EventPublisher;
import io.alfred.gitops.reconcile.CycleRunner;
import io.alfred.gitops.render.KustomizeOutputs;
import io.alfred.gitops.render.Manifest;
import io.alfred.gitops.render.Renderer;
import io.alfred.gitops.trigger.PubSubTrigger;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Files;
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
            new String[] {"apps", "deployments", "get"},
            new String[] {"apps", "deployments", "patch"},
            new String[] {"apps", "statefulsets", "patch"},
            new String[] {"", "secrets", "patch"},
            new String[] {"", "namespaces", "get"},
            new String[] {"", "namespaces", "patch"},
            new String[] {"", "namespaces", "watch"},
            new String[] {"", "namespaces", "create"},
            new String[] {"", "services", "delete"},
            new String[] {"", "configmaps", "list"},
            new String[] {"apiextensions.k8s.io", "customresourcedefinitions", "patch"},
            new String[] {"apiextensions.k8s.io", "customresourcedefinitions", "watch"},
            new String[] {"policy", "poddisruptionbudgets", "list"},
            new String[] {"autoscaling", "horizontalpodautoscalers", "list"},
            new String[] {"monitoring.coreos.com", "servicemonitors", "patch"},
            new String[] {"events.k8s.io", "events", "create"},
            new String[] {"events.k8s.io", "events", "patch"},
            new String[] {"apps", "deployments", "watch"},
            new String[] {"", "configmaps", "watch"},
            new String[] {"monitoring.coreos.com", "servicemonitors", "watch"});

    /** Its own state in gitops.namespace. */
    static final List<String[]> STATE_CALLS = List.of(
            new String[] {"", "configmaps", "get"},
            new String[] {"", "configmaps", "create"},
            new String[] {"", "configmaps", "update"},
            new String[] {"", "configmaps", "patch"},
            new String[] {"", "configmaps", "watch"},
            new String[] {"", "configmaps", "list"},
            new String[] {"coordination.k8s.io", "leases", "get"},
            new String[] {"coordination.k8s.io", "leases", "create"},
            new String[] {"coordination.k8s.io", "leases", "update"});

    private static List<HasMetadata> render(String env) {
        List<Manifest> manifests = new Renderer(
                        new RenderSettings("auto", Duration.ofMinutes(1), Map.of()), KustomizeOutputs.NONE)
                .render(Path.of("k8s"), "overlays/" + env, Revision.of(env + "-test"))
                .manifests();
        return manifests.stream()
                .map(m -> SERIALIZATION.<HasMetadata>unmarshal(m.body().toString()))
                .toList();
    }

    @SuppressWarnings("unchecked")
    private static <T> T one(List<HasMetadata> objects, Class<T> type) {
        return (T) objects.stream()
                .filter(type::isInstance)
                .findFirst()
                .orElseThrow(() -> new AssertionError(type.getSimpleName()));
    }

    static boolean covers(List<PolicyRule> rules, String[] call) {
        return rules.stream()
                .anyMatch(r -> matches(r.getApiGroups(), call[0])
                        && matches(r.getResources(), call[1])
                        && matches(r.getVerbs(), call[2]));
    }

    private static boolean matches(List<String> allowed, String value) {
        return allowed != null && (allowed.contains("*") || allowed.contains(value));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void everyOverlayRendersAndParses(String env) {
        List<HasMetadata> objects = render(env);
        assertThat(objects)
                .extracting(HasMetadata::getKind)
                .contains(
                        "Namespace",
                        "ServiceAccount",
                        "ClusterRole",
                        "ClusterRoleBinding",
                        "Role",
                        "RoleBinding",
                        "ConfigMap",
                        "Deployment",
                        "Service",
                        "PodDisruptionBudget",
                        "NetworkPolicy",
                        "ServiceMonitor");
        assertThat(objects)
                .filteredOn(
                        o -> !o.getKind().startsWith("Cluster") && !o.getKind().equals("Namespace"))
                .allMatch(o -> "alfred-gitops".equals(o.getMetadata().getNamespace()));
    }

    @Test
    void theDeploymentIsSafeToRun() throws Exception {
        Deployment d = one(render("prod"), Deployment.class);
        assertThat(d.getSpec().getReplicas()).isEqualTo(2);
        assertThat(d.getSpec()
                        .getStrategy()
                        .getRollingUpdate()
                        .getMaxUnavailable()
                        .getIntVal())
                .isZero();
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

        Duration shutdown =
                CycleRunner.SHUTDOWN_GRACE.plus(EventPublisher.FLUSH_ON_CLOSE).plus(PubSubTrigger.STOP_TIMEOUT);
        assertThat(pod.getTerminationGracePeriodSeconds())
                .as("SIGKILL only after the daemon's own shutdown budget")
                .isGreaterThan(shutdown.toSeconds());
        assertThat(c.getStartupProbe().getHttpGet().getPath()).isEqualTo("/q/health/started");
        assertThat(pod.getTopologySpreadConstraints())
                .extracting(t -> t.getTopologyKey())
                .contains("kubernetes.io/hostname");
        assertThat(pod.getTopologySpreadConstraints())
                .allSatisfy(t -> assertThat(t.getLabelSelector().getMatchLabels())
                        .isEqualTo(d.getSpec().getSelector().getMatchLabels()));

        long uid = pod.getSecurityContext().getRunAsUser();
        for (String dockerfile : List.of("Dockerfile.native", "daemon/src/main/docker/Dockerfile.jvm")) {
            List<String> users = Files.readAllLines(Path.of(dockerfile)).stream()
                    .filter(l -> l.startsWith("USER "))
                    .toList();
            assertThat(users.get(users.size() - 1))
                    .as(dockerfile + "'s final USER")
                    .isEqualTo("USER " + uid);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void eachOverlaySetsTheImageTag(String env) throws Exception {
        String image = one(render(env), Deployment.class)
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getImage();
        assertThat(image).matches("ghcr\\.io/alfred/alfred-gitops:\\S+");
        assertThat(Files.readString(Path.of("k8s/overlays/" + env + "/kustomization.yaml")))
                .contains("images:");
    }

    @Test
    void rbacCoversEveryCallTheCodeMakes() {
        List<HasMetadata> objects = render("dev");
        List<PolicyRule> cluster = one(objects, ClusterRole.class).getRules();
        List<PolicyRule> state = stateRole(objects).getRules();
        for (String[] call : CLUSTER_CALLS) {
            assertThat(covers(cluster, call))
                    .as("ClusterRole grants %s %s/%s", call[2], call[0], call[1])
                    .isTrue();
        }
        for (String[] call : STATE_CALLS) {
            assertThat(covers(state, call) || covers(cluster, call))
                    .as("Role grants %s %s/%s", call[2], call[0], call[1])
                    .isTrue();
        }
        assertThat(covers(state, new String[] {"", "secrets", "get"}))
                .as("the state Role needs no Secrets")
                .isFalse();
    }

    private static Role stateRole(List<HasMetadata> objects) {
        return objects.stream()
                .filter(Role.class::isInstance)
                .map(Role.class::cast)
                .filter(r -> r.getMetadata().getName().equals("alfred-gitops-state"))
                .findFirst()
                .orElseThrow();
    }

    /** What `status`, `suspend` and `resume` need, and nothing more: the Role people are bound to. */
    @Test
    void theOperatorRoleReadsTheStateAndWritesOnlyTheSuspendState() {
        Role operator = render("dev").stream()
                .filter(Role.class::isInstance)
                .map(Role.class::cast)
                .filter(r -> r.getMetadata().getName().equals("alfred-gitops-operator"))
                .findFirst()
                .orElseThrow();
        assertThat(covers(operator.getRules(), new String[] {"", "configmaps", "get"}))
                .isTrue();
        assertThat(covers(operator.getRules(), new String[] {"coordination.k8s.io", "leases", "get"}))
                .isTrue();
        assertThat(operator.getRules())
                .filteredOn(r -> r.getVerbs().contains("patch"))
                .singleElement()
                .satisfies(r -> assertThat(r.getResourceNames()).containsExactly("alfred-gitops-suspend"));
        assertThat(covers(operator.getRules(), new String[] {"", "secrets", "get"}))
                .isFalse();
    }

    /** The infra repo's Roles and ClusterRoles can only be applied by an account that may escalate and bind. */
    @Test
    void rbacCanApplyTheRolesOfTheInfraRepo() {
        List<PolicyRule> cluster = one(render("dev"), ClusterRole.class).getRules();
        for (String resource : List.of("roles", "clusterroles")) {
            for (String verb : List.of("escalate", "bind", "patch")) {
                assertThat(covers(cluster, new String[] {"rbac.authorization.k8s.io", resource, verb}))
                        .as(verb + " " + resource)
                        .isTrue();
            }
        }
    }

    /** No permission the code never uses: every verb granted is one of a call the daemon makes (or escalate/bind). */
    @Test
    void rbacGrantsNothingTheCodeDoesNotUse() {
        List<HasMetadata> objects = render("dev");
        for (PolicyRule rule : one(objects, ClusterRole.class).getRules()) {
            if (rule.getNonResourceURLs() != null && !rule.getNonResourceURLs().isEmpty()) {
                assertThat(rule.getVerbs()).containsExactly("get");
                continue;
            }
            for (String verb : rule.getVerbs()) {
                boolean used = List.of("escalate", "bind").contains(verb)
                        || CLUSTER_CALLS.stream()
                                .anyMatch(call -> call[2].equals(verb)
                                        && matches(rule.getApiGroups(), call[0])
                                        && matches(rule.getResources(), call[1]));
                assertThat(used)
                        .as(
                                "ClusterRole grants %s on %s/%s, which no call uses",
                                verb, rule.getApiGroups(), rule.getResources())
                        .isTrue();
            }
        }
        for (PolicyRule rule : stateRole(objects).getRules()) {
            for (String verb : rule.getVerbs()) {
                assertThat(STATE_CALLS.stream()
                                .anyMatch(call -> call[2].equals(verb)
                                        && matches(rule.getApiGroups(), call[0])
                                        && matches(rule.getResources(), call[1])))
                        .as("Role grants %s on %s, which no call uses", verb, rule.getResources())
                        .isTrue();
            }
        }
    }
}
