package io.alfred.gitops.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.alfred.gitops.testing.Await;
import io.alfred.gitops.testing.ClusterSuite;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.LoadBalancerIngressBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Dry run, generation and status, discovery of custom resources, validation and watches, written
 * from the Kubernetes API documentation ("API Concepts": dry-run, resource versions; "Custom
 * Resources"; object names and label syntax). Runs on a real API server when one is available.
 */
class SandboxSemanticsTest extends ClusterSuite {
    @BeforeEach
    void quietControllers() {
        cluster.sandbox().ifPresent(s -> s.controllers().simulateWorkloads(false));
    }

    private ConfigMap cm(String name, String value) {
        return new ConfigMapBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(ns)
                .endMetadata()
                .addToData("k", value)
                .build();
    }

    private Deployment deployment(String name, String image, Map<String, String> selector) {
        return new DeploymentBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(ns)
                .endMetadata()
                .withNewSpec()
                .withReplicas(2)
                .withNewSelector()
                .addToMatchLabels(selector)
                .endSelector()
                .withNewTemplate()
                .withNewMetadata()
                .addToLabels(selector)
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("app")
                .withImage(image)
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }

    // --- dry run -------------------------------------------------------------------------------

    @Test
    void dryRunCreateAnswersWithoutStoring() {
        ConfigMap answer = client.resource(cm("dry", "v")).dryRun().create();
        assertThat(answer.getData()).containsEntry("k", "v");
        assertThat(client.configMaps().inNamespace(ns).withName("dry").get()).isNull();
    }

    @Test
    void dryRunApplyOfNewAndExistingObjectsStoresNothing() {
        ConfigMap answer =
                client.resource(cm("a", "1")).dryRun().fieldManager("m").serverSideApply();
        assertThat(answer.getData()).containsEntry("k", "1");
        assertThat(client.configMaps().inNamespace(ns).withName("a").get()).isNull();

        ConfigMap stored = client.resource(cm("a", "1")).fieldManager("m").serverSideApply();
        ConfigMap wouldBe =
                client.resource(cm("a", "2")).dryRun().fieldManager("m").serverSideApply();
        assertThat(wouldBe.getData()).containsEntry("k", "2");
        ConfigMap live = client.configMaps().inNamespace(ns).withName("a").get();
        assertThat(live.getData()).containsEntry("k", "1");
        assertThat(live.getMetadata().getResourceVersion())
                .isEqualTo(stored.getMetadata().getResourceVersion());
    }

    @Test
    void dryRunUpdatePatchAndDeleteLeaveStorageUntouched() {
        ConfigMap stored = client.resource(cm("b", "1")).create();
        ConfigMap changed = cm("b", "2");
        changed.getMetadata().setResourceVersion(stored.getMetadata().getResourceVersion());
        assertThat(client.resource(changed).dryRun().update().getData()).containsEntry("k", "2");
        assertThat(client.configMaps()
                        .inNamespace(ns)
                        .withName("b")
                        .dryRun()
                        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"data\":{\"k\":\"3\"}}")
                        .getData())
                .containsEntry("k", "3");
        client.configMaps().inNamespace(ns).withName("b").dryRun().delete();
        ConfigMap live = client.configMaps().inNamespace(ns).withName("b").get();
        assertThat(live.getData()).containsEntry("k", "1");
        assertThat(live.getMetadata().getResourceVersion())
                .isEqualTo(stored.getMetadata().getResourceVersion());
    }

    // --- generation, resourceVersion, status ---------------------------------------------------

    @Test
    void generationCountsSpecChangesOnlyAndResourceVersionEveryChange() {
        Deployment d = client.resource(deployment("gen", "nginx:1.26", Map.of("app", "gen")))
                .fieldManager("m")
                .serverSideApply();
        assertThat(d.getMetadata().getGeneration()).isEqualTo(1L);
        assertThat(d.getMetadata().getUid()).isNotBlank();

        // a merge patch carries no resourceVersion: the Deployment controller's status writes cannot conflict with it
        Deployment labelled = client.apps()
                .deployments()
                .inNamespace(ns)
                .withName("gen")
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"labels\":{\"team\":\"platform\"}}}");
        assertThat(labelled.getMetadata().getGeneration()).isEqualTo(1L);
        assertThat(labelled.getMetadata().getResourceVersion())
                .isNotEqualTo(d.getMetadata().getResourceVersion());

        Deployment rolled = client.resource(deployment("gen", "nginx:1.27", Map.of("app", "gen")))
                .fieldManager("m")
                .serverSideApply();
        assertThat(rolled.getMetadata().getGeneration()).isEqualTo(2L);
    }

    @Test
    void statusChangesOnlyThroughTheStatusSubresource() {
        // a Service: no controller of the control plane writes its status (the service controller is a cloud one)
        Service svc = new ServiceBuilder()
                .withNewMetadata()
                .withName("st")
                .withNamespace(ns)
                .endMetadata()
                .withNewSpec()
                .withType("LoadBalancer")
                .addNewPort()
                .withPort(80)
                .endPort()
                .endSpec()
                .withNewStatus()
                .withNewLoadBalancer()
                .addNewIngress()
                .withIp("192.0.2.99")
                .endIngress()
                .endLoadBalancer()
                .endStatus()
                .build();
        Service created = client.resource(svc).create();
        assertThat(created.getStatus().getLoadBalancer().getIngress())
                .as("status is not written by a create")
                .isEmpty();

        Service withStatus = client.services().inNamespace(ns).withName("st").editStatus(x -> {
            x.getStatus()
                    .getLoadBalancer()
                    .setIngress(List.of(
                            new LoadBalancerIngressBuilder().withIp("192.0.2.2").build()));
            return x;
        });
        assertThat(withStatus.getStatus().getLoadBalancer().getIngress())
                .extracting(i -> i.getIp())
                .containsExactly("192.0.2.2");

        Service mainWrite = client.services().inNamespace(ns).withName("st").edit(x -> {
            x.getStatus()
                    .getLoadBalancer()
                    .setIngress(List.of(
                            new LoadBalancerIngressBuilder().withIp("192.0.2.7").build()));
            x.getMetadata().setLabels(Map.of("edited", "yes"));
            return x;
        });
        assertThat(mainWrite.getStatus().getLoadBalancer().getIngress())
                .extracting(i -> i.getIp())
                .as("the main resource ignores status")
                .containsExactly("192.0.2.2");
        assertThat(mainWrite.getMetadata().getLabels()).containsEntry("edited", "yes");
    }

    // --- custom resources ----------------------------------------------------------------------

    private GenericKubernetesResource widget(String name) {
        return new GenericKubernetesResourceBuilder()
                .withApiVersion("example.alfred.io/v1")
                .withKind("Widget")
                .withNewMetadata()
                .withName(name)
                .withNamespace(ns)
                .endMetadata()
                .withAdditionalProperties(Map.of("spec", Map.of("size", 3)))
                .build();
    }

    private CustomResourceDefinition widgetCrd() {
        return new CustomResourceDefinitionBuilder()
                .withNewMetadata()
                .withName("widgets.example.alfred.io")
                .endMetadata()
                .withNewSpec()
                .withGroup("example.alfred.io")
                .withScope("Namespaced")
                .withNewNames()
                .withKind("Widget")
                .withPlural("widgets")
                .withSingular("widget")
                .withListKind("WidgetList")
                .endNames()
                .addNewVersion()
                .withName("v1")
                .withServed(true)
                .withStorage(true)
                .withNewSchema()
                .withNewOpenAPIV3Schema()
                .withType("object")
                .withXKubernetesPreserveUnknownFields(true)
                .endOpenAPIV3Schema()
                .endSchema()
                .endVersion()
                .endSpec()
                .build();
    }

    @Test
    void customResourcesAreServedOnceTheirCrdExists() throws Exception {
        assertThatThrownBy(() -> client.resource(widget("w1")).fieldManager("m").serverSideApply())
                .isInstanceOf(KubernetesClientException.class);

        client.resource(widgetCrd()).fieldManager("m").serverSideApply();
        CustomResourceDefinition crd = client.apiextensions()
                .v1()
                .customResourceDefinitions()
                .withName("widgets.example.alfred.io")
                .waitUntilCondition(
                        c -> c != null
                                && c.getStatus() != null
                                && c.getStatus().getConditions() != null
                                && c.getStatus().getConditions().stream()
                                        .anyMatch(x -> x.getType().equals("Established")
                                                && x.getStatus().equals("True")),
                        30,
                        TimeUnit.SECONDS);
        assertThat(crd).isNotNull();
        // a real server's discovery may lag Established by a moment
        Await.until(
                () -> client.getApiResources("example.alfred.io/v1") != null,
                Duration.ofSeconds(30),
                () -> "example.alfred.io/v1 not in discovery");
        assertThat(client.getApiResources("example.alfred.io/v1").getResources())
                .anySatisfy(r -> assertThat(r.getKind()).isEqualTo("Widget"));

        GenericKubernetesResource w =
                client.resource(widget("w1")).fieldManager("m").serverSideApply();
        assertThat(w.getMetadata().getUid()).isNotBlank();
        assertThat(client.genericKubernetesResources("example.alfred.io/v1", "Widget")
                        .inNamespace(ns)
                        .list()
                        .getItems())
                .hasSize(1);

        client.apiextensions()
                .v1()
                .customResourceDefinitions()
                .withName("widgets.example.alfred.io")
                .delete();
        if (cluster.isSandbox()) {
            assertThat(client.getApiResources("example.alfred.io/v1")).isNull();
        }
    }

    // --- validation ----------------------------------------------------------------------------

    @Test
    void aMissingNameIsRejected() {
        ConfigMap noName = new ConfigMapBuilder()
                .withNewMetadata()
                .withNamespace(ns)
                .endMetadata()
                .build();
        assertThatThrownBy(() ->
                        client.configMaps().inNamespace(ns).resource(noName).create())
                .isInstanceOfSatisfying(
                        KubernetesClientException.class,
                        e -> assertThat(e.getCode()).isIn(400, 422));
    }

    @Test
    void anInvalidNameIsRejectedWithTheRule() {
        assertThatThrownBy(() -> client.resource(cm("Bad_Name", "x")).create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(422);
                    assertThat(e.getMessage())
                            .contains("metadata.name: Invalid value: \"Bad_Name\"")
                            .contains("RFC 1123 subdomain");
                });
    }

    @Test
    void anInvalidLabelValueIsRejected() {
        ConfigMap bad = cm("labelled", "x");
        bad.getMetadata().setLabels(Map.of("app", "not a valid value!"));
        assertThatThrownBy(() -> client.resource(bad).fieldManager("m").serverSideApply())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(422);
                    assertThat(e.getMessage()).contains("metadata.labels: Invalid value: \"not a valid value!\"");
                });
    }

    @Test
    void anObjectInAMissingNamespaceIsNotFound() {
        ConfigMap orphan = new ConfigMapBuilder()
                .withNewMetadata()
                .withName("x")
                .withNamespace("no-such-ns")
                .endMetadata()
                .build();
        assertThatThrownBy(() -> client.resource(orphan).fieldManager("m").serverSideApply())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(404);
                    assertThat(e.getMessage()).contains("namespaces \"no-such-ns\" not found");
                });
    }

    @Test
    void anImmutableSelectorCannotChange() {
        client.resource(deployment("imm", "nginx:1.26", Map.of("app", "imm")))
                .fieldManager("m")
                .serverSideApply();
        assertThatThrownBy(() -> client.resource(deployment("imm", "nginx:1.26", Map.of("app", "other")))
                        .fieldManager("m")
                        .serverSideApply())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(422);
                    assertThat(e.getMessage()).contains("spec.selector").contains("field is immutable");
                });
    }

    // --- watches -------------------------------------------------------------------------------

    @Test
    void watchesSeeObjectsWrittenThroughApply() throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        try (Watch ignored = client.configMaps().inNamespace(ns).watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, ConfigMap resource) {
                events.add(action + " " + resource.getMetadata().getName() + " " + resource.getData());
            }

            @Override
            public void onClose(WatcherException cause) {}
        })) {
            client.resource(cm("watched", "1")).fieldManager("m").serverSideApply();
            client.resource(cm("watched", "2")).fieldManager("m").serverSideApply();
            client.configMaps().inNamespace(ns).withName("watched").delete();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (events.stream().filter(e -> e.contains(" watched ")).count() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
        }
        // a real namespace also holds kube-root-ca.crt, which the namespace's controller puts there
        assertThat(events)
                .filteredOn(e -> !e.contains("kube-root-ca.crt"))
                .containsExactly("ADDED watched {k=1}", "MODIFIED watched {k=2}", "DELETED watched {k=2}");
    }
}
