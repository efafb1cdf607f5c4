package io.alfred.gitops.support;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadFactory;
import java.util.function.Supplier;

/**
 * Work on threads of the daemon's own, which never keep the JVM alive: each named, so that a
 * thread dump says whose it is.
 */
public final class Background {
    private Background() {}

    /** Daemon threads named {@code name}, for an executor. */
    public static ThreadFactory threads(String name) {
        return work -> {
            Thread thread = new Thread(work, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    /** {@code work} started now on a daemon thread of its own named {@code name}. */
    public static <T> CompletableFuture<T> supply(String name, Supplier<T> work) {
        return CompletableFuture.supplyAsync(
                work, task -> threads(name).newThread(task).start());
    }

    /** What {@code future} gave, or what its work threw, thrown as it was (not wrapped). */
    public static <T> T join(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }
}
