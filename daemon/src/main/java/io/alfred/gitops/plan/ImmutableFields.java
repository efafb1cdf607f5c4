package io.alfred.gitops.plan;

import io.alfred.gitops.cluster.ServerMessage;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A dry run the API server refused only because git changes fields that cannot change once the
 * object exists: a Deployment's or a Job's selector, a Job's template, a StatefulSet's spec outside
 * replicas, template and update strategy, a Service's cluster IP, a claim's spec. Read from the
 * causes of the 422 answer, as the API server words them ({@code field is immutable}, {@code may
 * not change once set}, {@code updates to statefulset spec for fields other than ... are forbidden},
 * {@code spec is immutable after creation}). An answer that also names any other invalid field is
 * not this: the object is wrong whether it is recreated or not.
 *
 * @param fields the fields the server named, e.g. {@code spec.selector}
 * @param message the server's words
 */
public record ImmutableFields(List<String> fields, String message) {
    public ImmutableFields {
        fields = List.copyOf(fields);
    }

    public static Optional<ImmutableFields> of(KubernetesClientException e) {
        Status status = e.getStatus();
        if (e.getCode() != 422 || status == null) {
            return Optional.empty();
        }
        List<StatusCause> causes =
                status.getDetails() == null || status.getDetails().getCauses() == null
                        ? List.of()
                        : status.getDetails().getCauses();
        String message = ServerMessage.of(e);
        if (causes.isEmpty()) {
            return saysImmutable(message) ? Optional.of(new ImmutableFields(List.of(), message)) : Optional.empty();
        }
        List<String> fields = new ArrayList<>();
        for (StatusCause cause : causes) {
            if (!saysImmutable(cause.getMessage())) {
                return Optional.empty();
            }
            if (cause.getField() != null && !fields.contains(cause.getField())) {
                fields.add(cause.getField());
            }
        }
        return Optional.of(new ImmutableFields(fields, message));
    }

    /** Whether the server's words refuse a change to a field that cannot change. */
    static boolean saysImmutable(String message) {
        if (message == null) {
            return false;
        }
        String m = message.toLowerCase(Locale.ROOT);
        return m.contains("field is immutable")
                || m.contains("is immutable after creation")
                || m.contains("may not change once set")
                || m.contains("spec is immutable")
                || (m.contains("forbidden: updates to") && m.contains("are forbidden"));
    }

    /** {@code spec.selector, spec.template}, or {@code spec} when the server named no field. */
    public String describe() {
        return fields.isEmpty() ? "spec" : String.join(", ", fields);
    }
}
