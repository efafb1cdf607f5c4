package io.alfred.gitops;

/**
 * The one abbreviation of a git revision (a commit's full SHA-1) that every message, log line,
 * event note, status line and dashboard shows: its first {@value #ABBREVIATED} characters.
 * Revisions themselves are still passed as strings.
 */
public final class Revision {
    /** Characters of an abbreviated revision: unique in repositories far larger than git's 7 are. */
    public static final int ABBREVIATED = 12;

    private Revision() {}

    /** The abbreviation of {@code sha}; null and shorter strings as they are. */
    public static String abbreviate(String sha) {
        return sha == null || sha.length() <= ABBREVIATED ? sha : sha.substring(0, ABBREVIATED);
    }
}
