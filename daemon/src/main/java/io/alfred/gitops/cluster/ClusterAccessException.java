package io.alfred.gitops.cluster;

import io.alfred.gitops.Stage;
import io.alfred.gitops.StageException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The API server cannot be used at all: {@code cluster: <server> (from <origin>): <reason>}. Commands
 * exit 2 for it; the daemon stays live, reports not ready, and tries again.
 */
public class ClusterAccessException extends StageException {
    /** Where a YAML parser stopped, as SnakeYAML says it: {@code line 3, column 11}. */
    private static final Pattern LINE_AND_COLUMN = Pattern.compile("line \\d+, column \\d+");

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

    /** The kubeconfig (or the pod's service account files) could not be read: bad YAML, a missing key file. */
    static ClusterAccessException unreadable(ClusterOrigin origin, RuntimeException e) {
        String message = String.valueOf(e.getMessage());
        String cause = message.lines().findFirst().orElse("").trim();
        Matcher where = LINE_AND_COLUMN.matcher(message);
        return new ClusterAccessException("cannot read " + origin.describe() + ": "
                + (cause.isEmpty() ? e.getClass().getSimpleName() : cause)
                + (where.find() ? " (" + where.group() + ")" : "")
                + "; check it with kubectl config view");
    }

    static ClusterAccessException notConfigured() {
        return new ClusterAccessException("no cluster configured: KUBECONFIG is not set, ~/.kube/config does not exist"
                + " and this is not a pod; set KUBECONFIG, or use --sandbox");
    }
}
