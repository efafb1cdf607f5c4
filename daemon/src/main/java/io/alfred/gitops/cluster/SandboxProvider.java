package io.alfred.gitops.cluster;

/**
 * Starts a sandbox API server for {@code --sandbox}. Implemented in {@code io.alfred.gitops.sandbox},
 * which JVM builds include and native builds leave out, so that nothing of the sandbox (nor
 * fabric8's mock server) reaches a production image.
 */
public interface SandboxProvider {
    ClusterConnection start();
}
