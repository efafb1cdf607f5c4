package io.alfred.gitops.cli;

import io.alfred.gitops.cluster.ClusterConnection;
import jakarta.inject.Inject;
import picocli.CommandLine.Mixin;

/**
 * What {@code diff} and {@code reconcile --once} share: the common options and the cluster they
 * reach. On a kubeconfig's cluster they run without the application; the sandbox is the
 * application's.
 */
abstract class ClusterCommandSupport extends CommandSupport {
    @Mixin
    CommonOptions options;

    @Inject
    ClusterOpener clusters;

    @Override
    boolean runsWithoutApplication() {
        return !options.sandbox;
    }

    /**
     * The kubeconfig is read while the settings are: reaching the cluster is the longest step.
     * {@code Main} has usually started the read already (then this does nothing); this covers a
     * command line its guess missed.
     */
    @Override
    int callWithoutApplication() {
        ClusterConnection.readKubeconfigAhead();
        return super.callWithoutApplication();
    }

    @Override
    void wireWithoutApplication() {
        clusters = new ClusterOpener();
    }
}
