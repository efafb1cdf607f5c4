package io.alfred.gitops.config;

/** Which cluster this daemon keeps equal to git. */
public record ClusterSettings(String name, String environment) {
}
