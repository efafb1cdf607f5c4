package io.alfred.gitops.cluster;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * The Vert.x instance under a cluster connection's HTTP client, created as the fabric8 client
 * creates its own (JDK name resolution, no file caching) but closed by the connection, which waits
 * until its event loops have stopped. Left to the client, the close ran on after the command: its
 * event loops still waited in {@code epoll} when the command exited, and the JVM waits up to 300 ms
 * for threads in native code before it ends (each command's exit took 0.3 s longer).
 */
final class OwnVertx {
    private static final Logger LOG = Logger.getLogger(OwnVertx.class);
    private static final String DISABLE_DNS_RESOLVER = "vertx.disableDnsResolver";
    private static final long CLOSE_SECONDS = 2;

    private OwnVertx() {}

    static synchronized Vertx create() {
        String before = System.getProperty(DISABLE_DNS_RESOLVER);
        try {
            System.setProperty(DISABLE_DNS_RESOLVER, "true");
            return Vertx.vertx(new VertxOptions()
                    .setFileSystemOptions(
                            new FileSystemOptions().setFileCachingEnabled(false).setClassPathResolvingEnabled(false)));
        } finally {
            if (before == null) {
                System.clearProperty(DISABLE_DNS_RESOLVER);
            } else {
                System.setProperty(DISABLE_DNS_RESOLVER, before);
            }
        }
    }

    /** Closes {@code vertx} and waits, at most 2 s, until its threads have stopped. */
    static void close(Vertx vertx) {
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(CLOSE_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.debugf("cluster: the HTTP client's event loops did not stop within %d s: %s", CLOSE_SECONDS, e);
        }
    }
}
