package io.alfred.gitops.testing;

import io.alfred.gitops.sandbox.SandboxApiServer;
import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The API server integration suites run against: a real kube-apiserver (io.fabric8:kube-api-test,
 * offline) when {@code KUBE_API_TEST_DIR} holds its binaries, otherwise the sandbox. Suites that
 * need the sandbox's extras (faults, simulated rollouts) ask {@link #sandbox()}.
 */
public final class TestCluster implements AutoCloseable {
    private final SandboxApiServer sandbox;
    private final KubeAPIServer real;
    private final Config config;
    private final KubernetesClient controllerClient;
    private final SimulatedControllers controllers;

    private TestCluster(SandboxApiServer sandbox, KubeAPIServer real, Config config) {
        this.sandbox = sandbox;
        this.real = real;
        this.config = config;
        // kube-api-test runs no controller-manager: without this, every rollout wait would time out
        this.controllerClient = real == null ? null : client();
        this.controllers = real == null ? null : SimulatedControllers.start(controllerClient);
    }

    /** Where the suites run, for CI's log: a real kube-apiserver or the sandbox. */
    public static String kind() {
        return realBinariesPresent() ? "a real kube-apiserver (kube-api-test, KUBE_API_TEST_DIR)" : "the sandbox API server";
    }

    public static TestCluster start() {
        if (realBinariesPresent()) {
            KubeAPIServer server = new KubeAPIServer(KubeAPIServerConfigBuilder.anAPIServerConfig()
                    .withOfflineMode(true).withUpdateKubeConfig(false).build());
            server.start();
            return new TestCluster(null, server, Config.fromKubeconfig(server.getKubeConfigYaml()));
        }
        SandboxApiServer sandbox = SandboxApiServer.start();
        return new TestCluster(sandbox, null, sandbox.config());
    }

    static boolean realBinariesPresent() {
        String dir = System.getenv("KUBE_API_TEST_DIR");
        if (dir == null || dir.isBlank()) {
            return false;
        }
        try (Stream<Path> files = Files.walk(Path.of(dir), 4)) {
            return files.anyMatch(p -> p.getFileName().toString().equals("kube-apiserver"));
        } catch (Exception e) {
            return false;
        }
    }

    public boolean isSandbox() {
        return sandbox != null;
    }

    public Optional<SandboxApiServer> sandbox() {
        return Optional.ofNullable(sandbox);
    }

    public Config config() {
        return config;
    }

    public KubernetesClient client() {
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    @Override
    public void close() {
        if (controllers != null) {
            controllers.close();
            controllerClient.close();
        }
        if (sandbox != null) {
            sandbox.close();
        }
        if (real != null) {
            real.stop();
        }
    }
}
