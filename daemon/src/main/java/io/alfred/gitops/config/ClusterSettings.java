package io.alfred.gitops.config;

import java.time.Duration;

/**
 * Which cluster this daemon keeps equal to git, and how long to wait for its API server to accept
 * a connection ({@code gitops.cluster.connect-timeout}).
 */
public record ClusterSettings(String name, String environment, Duration connectTimeout) {
    public static final Duration DEFAULT_CONNECT_TIMEOUT =
            Durations.parse("gitops.cluster.connect-timeout", Defaults.CLUSTER_CONNECT_TIMEOUT);

    /** A cluster with the default connect timeout. */
    public static ClusterSettings of(String name, String environment) {
        return new ClusterSettings(name, environment, DEFAULT_CONNECT_TIMEOUT);
    }
}
