package io.alfred.gitops.cluster;

import io.alfred.gitops.render.ObjectRef;
import io.alfred.gitops.support.LruMap;
import java.util.Map;
import java.util.Optional;

/**
 * The uid of each object this process applied, from the apply's own answer, by object: an Event
 * about an object a cycle just wrote names it without reading it back (a cycle that changed 100
 * objects read 100 objects for their Events). Kept for the {@value #CAPACITY} objects applied last;
 * an object not here is read.
 */
public final class KnownUids {
    static final int CAPACITY = 10_000;

    private final Map<String, String> uids = new LruMap<>(CAPACITY);

    /** What the API server answered for {@code ref}'s apply: its uid (null: nothing to keep). */
    public synchronized void applied(ObjectRef ref, String uid) {
        if (uid != null && !uid.isEmpty()) {
            uids.put(ref.key(), uid);
        }
    }

    public synchronized Optional<String> of(ObjectRef ref) {
        return Optional.ofNullable(uids.get(ref.key()));
    }
}
