package io.alfred.gitops.plan;

import com.fasterxml.jackson.databind.JsonNode;
import io.alfred.gitops.render.ObjectRef;

/**
 * What the daemon's watches already know of the live managed objects, so that a plan need not read
 * them: for each object, its values at the fields git sets (see {@code drift.Projection}).
 */
public interface LiveView {

    /** A view that knows nothing: every kind is listed, every object read. */
    LiveView NONE = new LiveView() {
        @Override
        public boolean covers(ObjectRef ref) {
            return false;
        }

        @Override
        public JsonNode fieldsOf(ObjectRef ref) {
            return null;
        }
    };

    /**
     * Whether every managed object of {@code ref}'s kind is known now: its watch has listed the kind
     * and is open, so a managed object missing from the view is not managed (or not there).
     */
    boolean covers(ObjectRef ref);

    /**
     * The live object's values at the fields git sets, or null when the view does not hold it. When
     * git's object is a subset of these, it is a subset of the live object.
     */
    JsonNode fieldsOf(ObjectRef ref);
}
