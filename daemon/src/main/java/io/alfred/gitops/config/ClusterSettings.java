package io.alfred.gitops.config;

import java.time.Duration;

/**
 * Which cluster this daemon keeps equal to git, and how long to wait for its API server to accept
 * a connection ({@code gitops.cluster.connect-timeout}).
 */
public record ClusterSettings(String name, String environment, Duration connectTimeout) {
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

    public ClusterSettings(String name, String environment) {
        this(name, environment, DEFAULT_CONNECT_TIMEOUT);
    }
}
