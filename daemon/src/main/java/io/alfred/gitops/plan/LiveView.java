package io.alfred.gitops.plan;

import com.fasterxml.jackson.databind.JsonNode;
import io.alfred.gitops.render.ObjectRef;

/**
 * What the daemon's watches already know of the live managed objects, so that a plan need not read
 * them: for each object, whether it held git's object when last seen.
 */
public interface LiveView {

    /** A view that knows nothing: every kind is listed, every object read. */
    LiveView NONE = new LiveView() {
        @Override
        public boolean covers(ObjectRef ref) {
            return false;
        }

        @Override
        public boolean holds(ObjectRef ref, JsonNode git) {
            return false;
        }
    };

    /**
     * Whether every managed object of {@code ref}'s kind is known now: its watch has listed the kind
     * and is open, so a managed object missing from the view is not managed (or not there).
     */
    boolean covers(ObjectRef ref);

    /**
     * Whether the live object held every field of {@code git} when the watch last saw it (as
     * {@link io.alfred.gitops.support.Subset}); false when the view does not hold the object or judged it against
     * other content. True is never a guess: a false only costs a read.
     */
    boolean holds(ObjectRef ref, JsonNode git);
}
