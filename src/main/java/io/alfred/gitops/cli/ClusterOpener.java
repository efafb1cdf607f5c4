package io.alfred.gitops.cli;

import io.alfred.gitops.Stage;
import io.alfred.gitops.StageException;
import io.alfred.gitops.cluster.ClusterConnection;
import io.alfred.gitops.cluster.SandboxProvider;
import io.alfred.gitops.config.Settings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

/** The cluster a command works on: the kubeconfig's, or with {@code --sandbox} a fresh sandbox. */
@ApplicationScoped
public class ClusterOpener {
    @Inject
    Instance<SandboxProvider> sandboxes;

    ClusterConnection open(CommonOptions options, Settings settings) {
        if (!options.sandbox) {
            return ClusterConnection.fromEnvironment();
        }
        if (sandboxes.isUnsatisfied()) {
            throw new StageException(Stage.CONFIG, "--sandbox", "this build has no sandbox API server (native image)");
        }
        return sandboxes.get().start(settings.source().workdir());
    }
}
