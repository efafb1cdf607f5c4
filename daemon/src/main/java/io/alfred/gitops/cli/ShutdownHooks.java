package io.alfred.gitops.cli;

import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What the daemon stops on SIGTERM, run when Quarkus announces the shutdown, before it destroys
 * the beans those steps still use (the outbox's metrics, the loop). Last registered, first run.
 */
@ApplicationScoped
public class ShutdownHooks {
    private final Deque<Runnable> hooks = new ArrayDeque<>();

    public synchronized void add(Runnable hook) {
        hooks.push(hook);
    }

    void onShutdown(@Observes ShutdownEvent event) {
        Runnable hook;
        while ((hook = next()) != null) {
            hook.run();
        }
    }

    private synchronized Runnable next() {
        return hooks.poll();
    }
}
