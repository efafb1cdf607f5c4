package io.alfred.gitops.testing;

import io.alfred.gitops.cluster.ClusterConnection;
import io.alfred.gitops.sandbox.SandboxApiServer;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Optional;

/**
 * The one switch for every suite that needs an API server. When {@value RealControlPlane#VARIABLE}
 * names a kubeconfig (as {@code .ci/run} sets after {@code ../shared/realk8s/start.sh}), the suite
 * runs on that real control plane, reset to its first state and with a {@link TestNode} playing the
 * kubelet; otherwise on a fresh sandbox. Suites that need what only the sandbox has (fault
 * injection, a server stopped and started at will) say why through {@link #sandbox(String)}.
 */
public final class TestCluster implements AutoCloseable {
    private final SandboxApiServer sandbox;
    private final RealControlPlane real;

    private TestCluster(SandboxApiServer sandbox, RealControlPlane real) {
        this.sandbox = sandbox;
        this.real = real;
    }

    /** Whether the suites run on a real control plane. */
    public static boolean isRealConfigured() {
        return RealControlPlane.configured() != null;
    }

    /** The real control plane when one is configured, else a new sandbox. */
    public static TestCluster start() {
        if (isRealConfigured()) {
            RealControlPlane plane = RealControlPlane.shared();
            plane.lease();
            return new TestCluster(null, plane);
        }
        return new TestCluster(SandboxApiServer.start(), null);
    }

    /**
     * A sandbox whatever is configured, for a suite that needs one of its extras; {@code why} says
     * which, and is printed so that a CI log shows what did not run on the real control plane.
     */
    public static TestCluster sandbox(String why) {
        return sandboxOnPort(0, why);
    }

    /** The sandbox on a given port (0: any), for suites that stop and restart the server. */
    public static TestCluster sandboxOnPort(int port, String why) {
        if (isRealConfigured()) {
            System.out.println("on the sandbox, not the real control plane: " + caller() + ": " + why);
        }
        return new TestCluster(SandboxApiServer.start(port), null);
    }

    /** The suite that asked, for the CI log. */
    private static String caller() {
        return StackWalker.getInstance()
                .walk(frames -> frames.map(StackWalker.StackFrame::getClassName)
                        .filter(c -> !c.equals(TestCluster.class.getName()))
                        .findFirst()
                        .orElse("?"))
                .replaceFirst(".*\\.", "");
    }

    public boolean isSandbox() {
        return sandbox != null;
    }

    public Optional<SandboxApiServer> sandbox() {
        return Optional.ofNullable(sandbox);
    }

    /** The sandbox of a suite that asked for one. */
    public SandboxApiServer sandboxServer() {
        if (sandbox == null) {
            throw new IllegalStateException("this suite runs on the real control plane: ask TestCluster.sandbox(why)");
        }
        return sandbox;
    }

    public Config config() {
        return sandbox != null ? sandbox.config() : real.config();
    }

    /** A new client, built as the product builds its own (its transport included); the caller closes it. */
    public KubernetesClient client() {
        return ClusterConnection.client(config());
    }

    /** Creates the Namespaces {@code names} through {@code client}, for a test's objects to live in. */
    public static void createNamespaces(KubernetesClient client, String... names) {
        for (String name : names) {
            client.namespaces()
                    .resource(new NamespaceBuilder()
                            .withNewMetadata()
                            .withName(name)
                            .endMetadata()
                            .build())
                    .create();
        }
    }

    /** A kubeconfig for kubectl and daemon processes, written to {@code file}. */
    public Path writeKubeconfig(Path file) {
        if (sandbox != null) {
            return sandbox.writeKubeconfig(file);
        }
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.copy(real.kubeconfig(), file, StandardCopyOption.REPLACE_EXISTING);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write kubeconfig " + file, e);
        }
    }

    /** Pods whose image matches {@code regex} crash-loop and never become ready; null: none. */
    public void failImages(String regex) {
        if (sandbox != null) {
            sandbox.controllers().stuckImages(regex);
        } else {
            real.node().failImages(regex);
        }
    }

    /** How long a new pod takes to become ready (the sandbox: zero finishes rollouts at once). */
    public void podReadyDelay(Duration delay) {
        if (sandbox != null) {
            sandbox.controllers().podReadyDelay(delay);
        } else {
            real.node().readyDelay(delay);
        }
    }

    @Override
    public void close() {
        if (sandbox != null) {
            sandbox.close();
        } else {
            real.release();
        }
    }
}
