package io.alfred.gitops;

/**
 * A git revision (a commit's full SHA-1) and the one abbreviation of it that every message, log
 * line, event note, status line and dashboard shows: its first {@value #ABBREVIATED} characters.
 */
public record Revision(String sha) {
    /** Characters of an abbreviated revision: unique in repositories far larger than git's 7 are. */
    public static final int ABBREVIATED = 12;

    public String abbreviated() {
        return abbreviate(sha);
    }

    /** The abbreviation of {@code sha}; null and shorter strings as they are. */
    public static String abbreviate(String sha) {
        return sha == null || sha.length() <= ABBREVIATED ? sha : sha.substring(0, ABBREVIATED);
    }
}
