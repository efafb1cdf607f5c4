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

    /** The cluster, not yet asked anything (the daemon starts without its API server and waits for it). */
    ClusterConnection open(CommonOptions options, Settings settings) {
        if (!options.sandbox) {
            return ClusterConnection.fromEnvironment(settings.cluster().connectTimeout());
        }
        if (sandboxes.isUnsatisfied()) {
            throw new StageException(Stage.CONFIG, "--sandbox", "this build has no sandbox API server (native image)");
        }
        return sandboxes.get().start();
    }

    /**
     * The cluster, once it answered: a one-shot command learns within the connect timeout that it
     * cannot reach the API server, instead of retrying every request of a cycle.
     *
     * @throws io.alfred.gitops.cluster.ClusterAccessException naming the server, its origin and the problem
     */
    ClusterConnection openVerified(CommonOptions options, Settings settings) {
        return open(options, settings).verified(settings.cluster().connectTimeout());
    }

    /** {@link #openVerified} on a thread of its own while the command goes on, timed as stage cluster. */
    Connecting connecting(CommonOptions options, Settings settings, CommandTimings timings) {
        if (!options.sandbox) {
            ClusterConnection.locate(); // no cluster at all: said at once, before the fetch
        }
        return new Connecting(() -> timings.time(Stage.CLUSTER, () -> openVerified(options, settings)));
    }
}
