package io.alfred.gitops.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.alfred.gitops.testing.ClusterSuite;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Server-side apply as the Kubernetes documentation describes it ("Server-Side Apply": field
 * management, conflicts, merge strategy). Runs on the sandbox, or on a real API server when one is
 * available (see TestCluster), with the same assertions.
 */
class SandboxApplyTest extends ClusterSuite {
    private ConfigMap cm(Map<String, String> labels, Map<String, String> data) {
        return new ConfigMapBuilder()
                .withNewMetadata()
                .withName("settings")
                .withNamespace(ns)
                .withLabels(labels)
                .endMetadata()
                .withData(data)
                .build();
    }

    private ConfigMap apply(String manager, ConfigMap cm, boolean force) {
        var op = client.resource(cm).fieldManager(manager);
        return (force ? op.forceConflicts() : op).serverSideApply();
    }

    private static List<String> managers(ConfigMap cm) {
        return cm.getMetadata().getManagedFields().stream()
                .map(ManagedFieldsEntry::getManager)
                .toList();
    }

    @Test
    void applyCreatesAMissingObjectAndRecordsItsManager() {
        ConfigMap created = apply("alfred-gitops", cm(Map.of("app", "a"), Map.of("k", "v")), false);
        assertThat(created.getMetadata().getUid()).isNotBlank();
        assertThat(created.getMetadata().getCreationTimestamp()).isNotBlank();
        assertThat(created.getMetadata().getResourceVersion()).isNotBlank();
        ManagedFieldsEntry entry = created.getMetadata().getManagedFields().get(0);
        assertThat(entry.getManager()).isEqualTo("alfred-gitops");
        assertThat(entry.getOperation()).isEqualTo("Apply");
        assertThat(entry.getFieldsType()).isEqualTo("FieldsV1");
        assertThat(client.configMaps()
                        .inNamespace(ns)
                        .withName("settings")
                        .get()
                        .getData())
                .containsEntry("k", "v");
    }

    @Test
    void applyRemovesFieldsTheManagerStoppedSendingAndMergesTheRest() {
        apply("alfred-gitops", cm(Map.of("app", "a", "tier", "web"), Map.of("k1", "1", "k2", "2")), false);
        ConfigMap updated = apply("alfred-gitops", cm(Map.of("app", "a"), Map.of("k1", "one")), false);
        assertThat(updated.getMetadata().getLabels()).containsExactly(Map.entry("app", "a"));
        assertThat(updated.getData()).containsExactly(Map.entry("k1", "one"));
    }

    @Test
    void fieldsOfOtherManagersSurviveAnApplyThatDoesNotSendThem() {
        apply("alfred-gitops", cm(Map.of("app", "a"), Map.of("k1", "1")), false);
        apply("other-tool", cm(Map.of(), Map.of("extra", "x")), false);
        ConfigMap after = apply("alfred-gitops", cm(Map.of("app", "a"), Map.of("k1", "2")), false);
        assertThat(after.getData()).containsEntry("extra", "x").containsEntry("k1", "2");
        assertThat(managers(after)).containsExactlyInAnyOrder("alfred-gitops", "other-tool");
    }

    @Test
    void aFieldOwnedByAnotherManagerConflictsUnlessForced() {
        apply("helm", cm(Map.of(), Map.of("k", "from-helm")), false);
        assertThatThrownBy(() -> apply("alfred-gitops", cm(Map.of(), Map.of("k", "from-git")), false))
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(409);
                    assertThat(e.getMessage())
                            .contains("Apply failed with 1 conflict")
                            .contains("conflict with \"helm\"")
                            .contains(".data.k");
                });
        assertThat(client.configMaps()
                        .inNamespace(ns)
                        .withName("settings")
                        .get()
                        .getData())
                .containsEntry("k", "from-helm");

        ConfigMap forced = apply("alfred-gitops", cm(Map.of(), Map.of("k", "from-git")), true);
        assertThat(forced.getData()).containsEntry("k", "from-git");
        assertThat(managers(forced)).containsExactly("alfred-gitops");
    }

    @Test
    void anEqualValueIsSharedWithoutConflict() {
        apply("one", cm(Map.of(), Map.of("k", "same")), false);
        ConfigMap both = apply("two", cm(Map.of(), Map.of("k", "same")), false);
        assertThat(managers(both)).containsExactlyInAnyOrder("one", "two");
    }

    @Test
    void aNonApplyWriteTakesOwnershipOfWhatItChanged() {
        apply("alfred-gitops", cm(Map.of(), Map.of("k", "git")), false);
        client.configMaps()
                .inNamespace(ns)
                .withName("settings")
                .patch(
                        new PatchContext.Builder()
                                .withPatchType(PatchType.JSON_MERGE)
                                .withFieldManager("kubectl-patch")
                                .build(),
                        "{\"data\":{\"k\":\"by-hand\"}}");
        ConfigMap edited =
                client.configMaps().inNamespace(ns).withName("settings").get();
        assertThat(managers(edited)).contains("kubectl-patch");
        assertThatThrownBy(() -> apply("alfred-gitops", cm(Map.of(), Map.of("k", "git")), false))
                .hasMessageContaining("conflict with \"kubectl-patch\"");
        assertThat(apply("alfred-gitops", cm(Map.of(), Map.of("k", "git")), true)
                        .getData())
                .containsEntry("k", "git");
    }

    @Test
    void aNoOpApplyWritesNothing() {
        ConfigMap first = apply("alfred-gitops", cm(Map.of("app", "a"), Map.of("k", "v")), false);
        ConfigMap again = apply("alfred-gitops", cm(Map.of("app", "a"), Map.of("k", "v")), false);
        assertThat(again.getMetadata().getResourceVersion())
                .isEqualTo(first.getMetadata().getResourceVersion());
    }

    @Test
    void aRemovedListEntryDisappearsFromTheLiveObject() {
        Deployment d = deployment(List.of("A", "B"));
        client.resource(d).fieldManager("alfred-gitops").serverSideApply();
        Deployment after = client.resource(deployment(List.of("A")))
                .fieldManager("alfred-gitops")
                .serverSideApply();
        assertThat(after.getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getEnv())
                .extracting(e -> e.getName())
                .containsExactly("A");
    }

    private Deployment deployment(List<String> env) {
        return new DeploymentBuilder()
                .withNewMetadata()
                .withName("web")
                .withNamespace(ns)
                .endMetadata()
                .withNewSpec()
                .withReplicas(2)
                .withNewSelector()
                .addToMatchLabels("app", "web")
                .endSelector()
                .withNewTemplate()
                .withNewMetadata()
                .addToLabels("app", "web")
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("web")
                .withImage("nginx:1.27")
                .withEnv(env.stream().map(n -> new EnvVar(n, "x", null)).toList())
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }
}
