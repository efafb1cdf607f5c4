package io.alfred.gitops.prune;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What the daemon applied and may therefore prune, with the last applied and last good revisions.
 * Only objects listed here are ever deleted.
 *
 * @param renderDigest digest of the rendered objects last applied in full (null while a cycle is
 *        between its apply and its prune): a cycle may trust live objects only for the same render
 */
public record Inventory(
        List<InventoryEntry> entries, String lastAppliedRevision, String lastGoodRevision, String renderDigest) {
    public Inventory {
        entries = List.copyOf(entries);
    }

    public static Inventory empty() {
        return new Inventory(List.of(), null, null, null);
    }

    public Set<String> keys() {
        return entries.stream().map(InventoryEntry::key).collect(Collectors.toSet());
    }

    /** This inventory plus the given entries (newer versions of an entry replace older ones). */
    public Inventory union(List<InventoryEntry> more) {
        Map<String, InventoryEntry> all = new LinkedHashMap<>();
        entries.forEach(e -> all.put(e.key(), e));
        more.forEach(e -> all.put(e.key(), e));
        return new Inventory(new ArrayList<>(all.values()), lastAppliedRevision, lastGoodRevision, null);
    }

    /** Entries that are not among {@code keep}. */
    public List<InventoryEntry> without(Set<String> keep) {
        return entries.stream().filter(e -> !keep.contains(e.key())).toList();
    }

    public int size() {
        return entries.size();
    }
}
