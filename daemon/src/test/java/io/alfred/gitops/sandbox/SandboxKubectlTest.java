package io.alfred.gitops.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.alfred.gitops.cluster.KnownUids;
import io.alfred.gitops.cluster.WriteGuard;
import io.alfred.gitops.events.ClusterEventRecorder;
import io.alfred.gitops.events.ClusterEventRecorder.Type;
import io.alfred.gitops.render.ObjectRef;
import io.alfred.gitops.testing.Kubectl;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A user pokes the sandbox with the real kubectl through the kubeconfig it writes. */
class SandboxKubectlTest {
    @TempDir
    static Path tmp;

    static SandboxApiServer sandbox;
    static Path kubeconfig;

    @BeforeAll
    static void start() {
        sandbox = SandboxApiServer.start();
        kubeconfig = sandbox.writeKubeconfig(tmp.resolve("kubeconfig"));
        try (KubernetesClient client = sandbox.client()) {
            ConfigMap cm = new ConfigMapBuilder()
                    .withNewMetadata()
                    .withName("settings")
                    .withNamespace("default")
                    .addToLabels("app", "demo")
                    .endMetadata()
                    .addToData("mode", "git")
                    .build();
            client.resource(cm).fieldManager("alfred-gitops").serverSideApply();
        }
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    record Result(int exit, String out, String err) {}

    static Result kubectl(String... args) throws Exception {
        List<String> cmd = Kubectl.command(kubeconfig);
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out, err);
    }

    @Test
    void getListsAndShowsYaml() throws Exception {
        Result list = kubectl("get", "configmaps", "-n", "default");
        assertThat(list.exit()).as(list.err()).isZero();
        assertThat(list.out()).contains("settings");

        Result yaml = kubectl("get", "cm", "settings", "-o", "yaml", "--show-managed-fields");
        assertThat(yaml.exit()).as(yaml.err()).isZero();
        assertThat(yaml.out())
                .contains("mode: git")
                .contains("manager: alfred-gitops")
                .contains("resourceVersion:");

        Result namespaces = kubectl("get", "namespaces");
        assertThat(namespaces.exit()).as(namespaces.err()).isZero();
        assertThat(namespaces.out()).contains("kube-system");
    }

    @Test
    void patchLabelAndDeleteWork() throws Exception {
        try (KubernetesClient client = sandbox.client()) {
            client.resource(new ConfigMapBuilder()
                            .withNewMetadata()
                            .withName("scratch")
                            .withNamespace("default")
                            .endMetadata()
                            .addToData("a", "1")
                            .build())
                    .create();
        }
        Result patch = kubectl("patch", "configmap", "scratch", "--type=merge", "-p", "{\"data\":{\"a\":\"2\"}}");
        assertThat(patch.exit()).as(patch.err()).isZero();
        Result label = kubectl("label", "configmap", "scratch", "team=platform");
        assertThat(label.exit()).as(label.err()).isZero();
        Result yaml = kubectl("get", "cm", "scratch", "-o", "yaml", "--show-managed-fields");
        assertThat(yaml.out()).contains("a: \"2\"").contains("team: platform").contains("manager: kubectl-patch");
        Result delete = kubectl("delete", "configmap", "scratch");
        assertThat(delete.exit()).as(delete.err()).isZero();
        assertThat(kubectl("get", "cm", "scratch").err()).contains("NotFound").contains("\"scratch\" not found");
    }

    @Test
    void unknownKindsAreReportedLikeARealServer() throws Exception {
        Result r = kubectl("get", "widgets");
        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).contains("the server doesn't have a resource type \"widgets\"");
    }

    /** kubectl sends the dry run in DeleteOptions: a real server keeps the object, and so must the sandbox. */
    @Test
    void aServerSideDryRunDeleteKeepsTheObject() throws Exception {
        try (KubernetesClient client = sandbox.client()) {
            client.resource(new ConfigMapBuilder()
                            .withNewMetadata()
                            .withName("kept")
                            .withNamespace("default")
                            .endMetadata()
                            .addToData("a", "1")
                            .build())
                    .create();
            Result dryRun = kubectl("delete", "configmap", "kept", "--dry-run=server");
            assertThat(dryRun.exit()).as(dryRun.err()).isZero();
            assertThat(dryRun.out()).contains("configmap \"kept\" deleted (server dry run)");
            assertThat(client.configMaps()
                            .inNamespace("default")
                            .withName("kept")
                            .get())
                    .isNotNull();
        }
    }

    @Test
    void getAllAndEventsAsOnARealServer() throws Exception {
        try (KubernetesClient client = sandbox.client()) {
            client.apps()
                    .deployments()
                    .inNamespace("default")
                    .resource(new DeploymentBuilder()
                            .withNewMetadata()
                            .withName("web")
                            .endMetadata()
                            .withNewSpec()
                            .withReplicas(1)
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
                            .withImage("web:1")
                            .endContainer()
                            .endSpec()
                            .endTemplate()
                            .endSpec()
                            .build())
                    .create();
            new ClusterEventRecorder(client, WriteGuard.ALWAYS, "test", Clock.systemUTC(), new KnownUids())
                    .record(
                            ObjectRef.of("apps/v1", "Deployment", "default", "web"),
                            Type.Normal,
                            "Configured",
                            "Apply",
                            "configured by alfred-gitops at abc1234: image: web:1");
        }
        Result all = kubectl("get", "all", "-A");
        assertThat(all.exit()).as(all.err()).isZero();
        assertThat(all.out()).contains("deployment.apps/web");

        Result events = kubectl("get", "events", "-n", "default");
        assertThat(events.exit()).as(events.err()).isZero();
        assertThat(events.out().lines().findFirst().orElse(""))
                .contains("LAST SEEN")
                .contains("TYPE")
                .contains("REASON")
                .contains("OBJECT")
                .contains("MESSAGE");
        assertThat(events.out())
                .contains("Configured")
                .contains("deployment/web")
                .contains("configured by alfred-gitops at abc1234: image: web:1")
                .doesNotContain("event.events.k8s.io");

        Result deployments = kubectl("get", "deploy", "-n", "default", "-o", "wide");
        assertThat(deployments.out().lines().findFirst().orElse(""))
                .as(deployments.err())
                .containsSubsequence(
                        "NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE", "CONTAINERS", "IMAGES", "SELECTOR");
        assertThat(deployments.out()).containsPattern("web\\s+1/1\\s+1\\s+1\\s+\\S+\\s+web\\s+web:1\\s+app=web");
        Result configMaps = kubectl("get", "cm", "settings", "-n", "default");
        assertThat(configMaps.out()).containsPattern("NAME\\s+DATA\\s+AGE").containsPattern("settings\\s+1\\s+");

        Result described = kubectl("describe", "deployment", "web", "-n", "default");
        assertThat(described.out())
                .as(described.err())
                .contains("Events:")
                .contains("alfred.io/gitops")
                .contains("configured by alfred-gitops at abc1234");
    }
}
