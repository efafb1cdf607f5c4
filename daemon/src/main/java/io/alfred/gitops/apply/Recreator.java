package io.alfred.gitops.apply;

import io.alfred.gitops.cluster.NoAnswerRetry;
import io.alfred.gitops.cluster.ServerMessage;
import io.alfred.gitops.cluster.WriteGuard;
import io.alfred.gitops.config.Durations;
import io.alfred.gitops.plan.PlannedObject;
import io.alfred.gitops.plan.Recreation;
import io.alfred.gitops.render.ObjectRef;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.KubernetesClientTimeoutException;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The first half of a recreate: deletes an object whose change the server refuses for immutable
 * fields, and waits until it is gone, so that the apply that follows creates it from git. A
 * StatefulSet that keeps its selector is deleted with orphan propagation: its pods and claims stay,
 * and the StatefulSet created next adopts them. Anything else goes with its dependents (background
 * propagation: the garbage collector removes a Deployment's ReplicaSets and pods, a Job's pods).
 */
final class Recreator {
    private static final Logger LOG = Logger.getLogger(Recreator.class);
    /** How long a deleted object may take to go (the garbage collector orphans a StatefulSet's pods first). */
    static final Duration GONE_TIMEOUT = Duration.ofMinutes(2);

    private final WriteGuard guard;

    Recreator(WriteGuard guard) {
        this.guard = guard;
    }

    void delete(PlannedObject o, Resource<GenericKubernetesResource> resource) {
        ObjectRef ref = o.desired().ref();
        boolean keepsPods = Recreation.keepsPods(ref, o.live(), o.desired().body());
        guard.check(ref.toString());
        try {
            NoAnswerRetry.call(() -> resource.withPropagationPolicy(
                            keepsPods ? DeletionPropagation.ORPHAN : DeletionPropagation.BACKGROUND)
                    .delete());
            // the condition sees null once the object is gone
            resource.waitUntilCondition(Objects::isNull, GONE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (KubernetesClientTimeoutException e) {
            throw new ApplyException(
                    ref.toString(),
                    "recreate: deleted, but still there after " + Durations.format(GONE_TIMEOUT)
                            + " (a finalizer holds it); nothing was created in its place",
                    e);
        } catch (KubernetesClientException e) {
            throw new ApplyException(
                    ref.toString(), "recreate: the API server refused the delete: " + ServerMessage.of(e), e);
        }
        LOG.infof(
                "recreate: %s deleted (%s), created again from git: %s",
                ref, keepsPods ? "its pods and claims kept for the new one" : "with its dependents", o.note());
    }
}
