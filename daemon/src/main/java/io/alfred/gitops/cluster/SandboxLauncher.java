package io.alfred.gitops.cluster;

import io.alfred.gitops.sandbox.SandboxApiServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.jboss.logging.Logger;

/**
 * {@code --sandbox}: a fresh sandbox API server on a loopback port, with a kubeconfig for kubectl.
 * The kubeconfig belongs to this process: a new temporary file (owner-only), never
 * {@code ~/.kube/config} or a fixed path a later run or kubectl would read by default, deleted when
 * the sandbox stops, so no kubeconfig is left pointing at a dead port.
 */
@ApplicationScoped
public class SandboxLauncher implements SandboxProvider {
    private static final Logger LOG = Logger.getLogger(SandboxLauncher.class);

    @Override
    public ClusterConnection start() {
        SandboxApiServer server = SandboxApiServer.start();
        Path kubeconfig = server.writeKubeconfig(newKubeconfigFile());
        kubeconfig.toFile().deleteOnExit();
        LOG.infof(
                "sandbox API server listening on %s until this process exits; look with: kubectl --kubeconfig %s"
                        + " get all -A",
                server.url(), kubeconfig);
        KubernetesClient client = ClusterConnection.client(ClusterConnection.resilient(server.config()));
        return ClusterConnection.of(
                client,
                () -> {
                    server.close();
                    deleteQuietly(kubeconfig);
                },
                ClusterOrigin.sandbox(kubeconfig));
    }

    private static Path newKubeconfigFile() {
        try {
            return Files.createTempFile(
                    "alfred-gitops-sandbox-" + ProcessHandle.current().pid() + "-",
                    ".kubeconfig",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the sandbox kubeconfig", e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.debugf("sandbox: cannot delete %s: %s", file, e);
        }
    }
}
