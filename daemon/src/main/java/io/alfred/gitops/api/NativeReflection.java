package io.alfred.gitops.api;

import io.alfred.gitops.pubsub.PubSubHealth;
import io.alfred.gitops.reconcile.SyncStatus;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Types serialised by Jackson through reflection, registered for the native image. Events,
 * inventory and outbox entries are written as Jackson trees or fabric8 model objects, which need
 * no registration of their own.
 */
@RegisterForReflection(
        targets = {
            StatusResource.Document.class,
            SyncStatus.View.class,
            SyncStatus.Source.class,
            SyncStatus.Failure.class,
            SyncStatus.Render.class,
            SyncStatus.Workload.class,
            SyncStatus.Conflict.class,
            PubSubHealth.View.class
        })
public final class NativeReflection {
    private NativeReflection() {}
}
