package io.alfred.gitops.cluster;

import io.alfred.gitops.Stage;
import io.alfred.gitops.StageException;

/**
 * The API server cannot be used at all: {@code cluster: <server> (from <origin>): <reason>}. Commands
 * exit 2 for it; the daemon stays live, reports not ready, and tries again.
 */
public class ClusterAccessException extends StageException {
    public ClusterAccessException(String server, ClusterOrigin origin, String reason, Throwable cause) {
        super(Stage.CLUSTER, server + " (from " + origin.describe() + ")", reason, cause);
    }

    private ClusterAccessException(String reason) {
        super(Stage.CLUSTER, "", reason);
    }

    /** Neither a kubeconfig nor a pod's service account: nothing to connect to. */
    static ClusterAccessException kubeconfigMissing(String file) {
        return new ClusterAccessException("KUBECONFIG=" + file + " names no file; point KUBECONFIG at an existing"
                + " kubeconfig, or unset it to use ~/.kube/config");
    }

    static ClusterAccessException notConfigured() {
        return new ClusterAccessException("no cluster configured: KUBECONFIG is not set, ~/.kube/config does not exist"
                + " and this is not a pod; set KUBECONFIG, or use --sandbox");
    }
}
