package io.alfred.gitops;

import java.util.Objects;

/**
 * A git revision: a commit's full SHA-1, as the cycle passes it from the fetch to the render, the
 * plan and the report. It prints as its one abbreviation, the first {@value #ABBREVIATED}
 * characters, which every message, log line, event note, status line and dashboard shows;
 * {@link #sha()} is the full name that state, events and JSON keep. Where a revision crosses into
 * such a record it is a string again ({@link #abbreviate} shortens those).
 */
public record Revision(String sha) {
    /** Characters of an abbreviated revision: unique in repositories far larger than git's 7 are. */
    public static final int ABBREVIATED = 12;

    public Revision {
        Objects.requireNonNull(sha, "sha");
        if (sha.isBlank()) {
            throw new IllegalArgumentException("a revision is a commit's SHA-1, not blank");
        }
    }

    public static Revision of(String sha) {
        return new Revision(sha);
    }

    /** The revision {@code sha} names, or null for null (a string field of stored state). */
    public static Revision ofNullable(String sha) {
        return sha == null ? null : new Revision(sha);
    }

    /** The full SHA-1 of {@code revision}, or null for null. */
    public static String shaOf(Revision revision) {
        return revision == null ? null : revision.sha;
    }

    /** The first {@value #ABBREVIATED} characters. */
    public String abbreviated() {
        return abbreviate(sha);
    }

    /** Whether {@code other} (a stored or announced full SHA-1) names this revision. */
    public boolean is(String other) {
        return sha.equals(other);
    }

    /** The abbreviation: messages print a revision, state keeps {@link #sha()}. */
    @Override
    public String toString() {
        return abbreviated();
    }

    /** The abbreviation of {@code sha}; null and shorter strings as they are. */
    public static String abbreviate(String sha) {
        return sha == null || sha.length() <= ABBREVIATED ? sha : sha.substring(0, ABBREVIATED);
    }
}
