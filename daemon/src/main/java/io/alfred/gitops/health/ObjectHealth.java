package io.alfred.gitops.health;

import io.alfred.gitops.render.ObjectRef;

/** One object's health at the end of a cycle's wait stage: what {@code sync.succeeded} and {@code /status} report. */
public record ObjectHealth(ObjectRef ref, Health health) {
    /** {@code Deployment shop/web: ready (3 of 3 replicas available)} */
    public String line() {
        return ref + ": " + health.state().label() + " (" + health.message() + ")";
    }
}
