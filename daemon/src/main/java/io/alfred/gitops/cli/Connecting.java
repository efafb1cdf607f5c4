package io.alfred.gitops.cli;

import io.alfred.gitops.cluster.ClusterConnection;
import io.alfred.gitops.support.Background;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The cluster, opened and checked on a thread of its own while the command fetches and renders:
 * the first answer of the API server (a TLS handshake, a version request) no longer waits for git
 * and Kustomize, nor they for it. Closing it closes the connection.
 */
final class Connecting implements AutoCloseable {
    private final CompletableFuture<ClusterConnection> connection;

    Connecting(Supplier<ClusterConnection> open) {
        connection = Background.supply("gitops-connect", open);
    }

    /**
     * Runs {@code work} meanwhile. When it fails and so did the connection, the connection's failure
     * is the one thrown: a command without a cluster says so first, as when it checked the cluster
     * before anything else.
     */
    <T> T meanwhile(Supplier<T> work) {
        try {
            return work.get();
        } catch (RuntimeException e) {
            connected();
            throw e;
        }
    }

    /** {@link #meanwhile(Supplier)} for work without a result. */
    void meanwhile(Runnable work) {
        meanwhile(() -> {
            work.run();
            return work;
        });
    }

    /** The connection once the API server answered; throws what opening it threw. */
    ClusterConnection connected() {
        return Background.join(connection);
    }

    @Override
    public void close() {
        ClusterConnection opened;
        try {
            opened = connected();
        } catch (RuntimeException e) {
            return; // nothing was opened; the failure was reported where it mattered
        }
        opened.close();
    }
}
