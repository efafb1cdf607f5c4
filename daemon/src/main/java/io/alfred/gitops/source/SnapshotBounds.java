package io.alfred.gitops.source;

/**
 * How large a commit's tree may be before it is written to disk for rendering: files and bytes
 * of the whole tree, measured from git's object headers before anything is written (git
 * compresses a 10 GB file of zeros into a few megabytes, so the size of the fetch says nothing).
 */
public record SnapshotBounds(int files, long bytes) {
    public static SnapshotBounds defaults() {
        return new SnapshotBounds(100_000, 1024L * 1024 * 1024);
    }
}
