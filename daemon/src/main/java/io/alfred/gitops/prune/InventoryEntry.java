package io.alfred.gitops.prune;

import io.alfred.gitops.render.ObjectRef;

/** One applied object in the inventory: enough to find it again and delete it. */
public record InventoryEntry(String apiVersion, String kind, String namespace, String name) {

    public static InventoryEntry of(ObjectRef ref) {
        return new InventoryEntry(ref.apiVersion(), ref.kind(), ref.namespace(), ref.name());
    }

    public ObjectRef ref() {
        return ObjectRef.of(apiVersion, kind, namespace, name);
    }

    /** Identity without the version, as for duplicates: the same object under another version is the same entry. */
    public String key() {
        return ref().key();
    }

    String line() {
        return apiVersion + " " + kind + " " + (namespace.isEmpty() ? "-" : namespace) + " " + name;
    }

    static InventoryEntry parse(String line) {
        String[] p = line.trim().split(" ");
        if (p.length != 4) {
            throw new IllegalArgumentException("bad inventory line: " + line);
        }
        return new InventoryEntry(p[0], p[1], p[2].equals("-") ? "" : p[2], p[3]);
    }
}
