package io.alfred.gitops.plan;

import com.fasterxml.jackson.databind.JsonNode;
import io.alfred.gitops.render.Manifest;
import io.alfred.gitops.render.ObjectRef;
import java.util.Map;
import java.util.Optional;

/**
 * Whether an object whose change the API server refuses for an immutable field may be deleted and
 * created again, and how. Opted in for every object by {@code gitops.apply.recreate-immutable}, for
 * one by the annotation {@value #ANNOTATION}{@code : enabled} on it in git. Objects that hold data or
 * everything beneath them are never recreated, whatever is opted in.
 */
public final class Recreation {
    /** The annotation that allows recreating one object. */
    public static final String ANNOTATION = "gitops.alfred.io/recreate";

    private static final Map<String, String> NEVER = Map.of(
            "/PersistentVolumeClaim", "deleting a PersistentVolumeClaim can delete the volume and its data",
            "/PersistentVolume", "deleting a PersistentVolume can delete its data",
            "/Namespace", "deleting a Namespace deletes everything in it",
            "apiextensions.k8s.io/CustomResourceDefinition",
                    "deleting a CustomResourceDefinition deletes every object of its kind");

    private Recreation() {}

    /** Why this object is never recreated, when it is not. */
    public static Optional<String> never(ObjectRef ref) {
        return Optional.ofNullable(NEVER.get(ref.group() + "/" + ref.kind()));
    }

    /** Whether recreating it is allowed: by the setting, or by its annotation in git. */
    public static boolean allowed(Manifest desired, boolean byDefault) {
        String annotation = desired.body()
                .path("metadata")
                .path("annotations")
                .path(ANNOTATION)
                .asText("");
        return byDefault || annotation.equals("enabled");
    }

    /**
     * A StatefulSet whose selector stays is deleted with orphan propagation: its pods and claims
     * stay, and the new StatefulSet adopts them. Anything else is deleted with its dependents.
     */
    public static boolean keepsPods(ObjectRef ref, JsonNode live, JsonNode desired) {
        return ref.group().equals("apps")
                && ref.kind().equals("StatefulSet")
                && live != null
                && live.path("spec")
                        .path("selector")
                        .equals(desired.path("spec").path("selector"));
    }
}
