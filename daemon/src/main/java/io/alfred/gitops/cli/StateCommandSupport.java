package io.alfred.gitops.cli;

import io.alfred.gitops.cluster.ClusterConnection;
import io.alfred.gitops.config.Durations;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import picocli.CommandLine.Option;

/** What {@code status}, {@code suspend} and {@code resume} share: the kubeconfig cluster and the daemon's namespace. */
abstract class StateCommandSupport extends CommandSupport {
    @Option(
            names = {"-n", "--namespace"},
            paramLabel = "NS",
            description = "Namespace of the daemon's inventory, history and suspend state (gitops.namespace).")
    String namespace;

    @Option(
            names = {"-v", "--verbose"},
            description = "Print stack traces.")
    boolean verbose;

    String namespace() {
        return namespace != null ? namespace : config.namespace();
    }

    /** The kubeconfig cluster, once it answered (one line and exit 2 when it does not). */
    ClusterConnection connect() {
        Duration timeout = Durations.parse(
                "gitops.cluster.connect-timeout", config.cluster().connectTimeout());
        return ClusterConnection.fromEnvironment(timeout).verified(timeout);
    }

    /** Who is at the keyboard: local user and host, and the kubeconfig user when there is one. */
    static String whoAmI(ClusterConnection cluster) {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "localhost";
        }
        String kubeUser = cluster.kubeconfigUser();
        return System.getProperty("user.name") + "@" + host
                + (kubeUser.isEmpty() ? "" : " (kubeconfig user " + kubeUser + ")");
    }
}
