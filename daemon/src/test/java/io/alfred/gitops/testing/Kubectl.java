package io.alfred.gitops.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The real kubectl on one API server of a test. kubectl keeps what the server's discovery said in
 * {@code ~/.kube/cache/discovery/HOST_PORT} for hours: a test server on a port an earlier server
 * (a real control plane, another sandbox) had would be asked for that server's kinds and answer 404.
 * So each kubeconfig gets a cache of its own beside it.
 */
public final class Kubectl {
    private Kubectl() {}

    /** {@code kubectl --kubeconfig KUBECONFIG --cache-dir ...}, to add the arguments to. */
    public static List<String> command(Path kubeconfig) {
        return new ArrayList<>(List.of(
                "kubectl",
                "--kubeconfig",
                kubeconfig.toString(),
                "--cache-dir",
                cacheFor(kubeconfig).toString()));
    }

    /** The discovery cache of the server {@code kubeconfig} names: a directory beside it. */
    public static Path cacheFor(Path kubeconfig) {
        return kubeconfig.toAbsolutePath().resolveSibling(kubeconfig.getFileName() + ".kubectl-cache");
    }
}
