package io.alfred.gitops.support;

import java.util.LinkedHashMap;
import java.util.Map;

/** A map that keeps the {@code capacity} entries used last and forgets the others (not thread-safe). */
public final class LruMap<K, V> extends LinkedHashMap<K, V> {
    private final int capacity;

    public LruMap(int capacity) {
        super(16, 0.75f, true);
        this.capacity = capacity;
    }

    @Override
    protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > capacity;
    }
}
