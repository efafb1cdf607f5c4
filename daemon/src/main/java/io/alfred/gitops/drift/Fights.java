package io.alfred.gitops.drift;

import io.alfred.gitops.render.ObjectRef;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Objects another writer keeps changing back: when one drifts more than {@code threshold} times
 * within {@code window}, correcting it again would only start a fight (Config Sync's KNV2005), so
 * it is held: not corrected, reported once as a conflict naming the other writer. It is released
 * when git changes it, when a whole window passes without it drifting, or by a person: a manual
 * reconcile or a resume.
 */
final class Fights {
    private final int threshold;
    private final Duration window;
    private final Map<String, Deque<Instant>> drifts = new ConcurrentHashMap<>();
    private final Map<String, DriftConflict> held = new ConcurrentHashMap<>();

    Fights(int threshold, Duration window) {
        this.threshold = threshold;
        this.window = window;
    }

    /**
     * Records a drift of {@code ref} now.
     *
     * @return the conflict, when this drift made the object one
     */
    synchronized Optional<DriftConflict> drifted(ObjectRef ref, String manager, Instant now) {
        Deque<Instant> times = drifts.computeIfAbsent(ref.key(), k -> new ArrayDeque<>());
        times.addLast(now);
        while (!times.isEmpty() && times.peekFirst().isBefore(now.minus(window))) {
            times.removeFirst();
        }
        if (held.containsKey(ref.key()) || times.size() <= threshold) {
            return Optional.empty();
        }
        DriftConflict conflict = new DriftConflict(ref, manager, times.size(), window, now);
        held.put(ref.key(), conflict);
        return Optional.of(conflict);
    }

    /** Whether {@code key} is held now (a window without a drift releases it). */
    synchronized boolean holds(String key, Instant now) {
        DriftConflict c = held.get(key);
        if (c == null) {
            return false;
        }
        Deque<Instant> times = drifts.get(key);
        Instant last = times == null || times.isEmpty() ? c.since() : times.peekLast();
        if (last.isBefore(now.minus(window))) {
            release(key);
            return false;
        }
        return true;
    }

    synchronized void release(String key) {
        held.remove(key);
        drifts.remove(key);
    }

    /** Releases every held object: they are corrected again from the next cycle. */
    synchronized List<DriftConflict> releaseAll() {
        List<DriftConflict> released = List.copyOf(held.values());
        held.clear();
        drifts.clear();
        return released;
    }

    synchronized List<DriftConflict> current(Instant now) {
        List<DriftConflict> out = new ArrayList<>();
        for (String key : List.copyOf(held.keySet())) {
            if (holds(key, now)) {
                out.add(held.get(key));
            }
        }
        return out;
    }
}
