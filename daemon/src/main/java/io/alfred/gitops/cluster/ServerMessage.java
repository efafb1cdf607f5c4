package io.alfred.gitops.cluster;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Optional;

/** What the API server said when it refused a request, for messages that name the object and the cause. */
public final class ServerMessage {
    private ServerMessage() {}

    /**
     * The API server's own message (its Status), not fabric8's wrapping of it; a denied request
     * (401, 403) says which credentials lack which permission.
     */
    public static String of(KubernetesClientException e) {
        Optional<ClusterFailure> denied = ClusterFailure.of(e).filter(f -> !f.isAddressProblem());
        if (denied.isPresent()) {
            return denied.get().reason();
        }
        if (e.getStatus() != null && e.getStatus().getMessage() != null) {
            return e.getStatus().getMessage() + " (" + e.getCode() + ")";
        }
        return e.getMessage();
    }
}
