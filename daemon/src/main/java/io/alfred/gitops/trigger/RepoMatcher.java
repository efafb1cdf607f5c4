package io.alfred.gitops.trigger;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Decides whether a push concerns the configured repository and ref. URLs are compared normalised,
 * so https, ssh, scp-like and {@code .git} spellings of one repository match.
 */
public final class RepoMatcher {
    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");
    private static final Pattern SCP_LIKE = Pattern.compile("^[\\w.-]+@([\\w.-]+):(.*)$");

    private final String repository;
    private final String ref;

    public RepoMatcher(String url, String ref) {
        this.repository = normalise(url);
        this.ref = ref;
    }

    public boolean matches(PushNotice notice) {
        return matchesRepository(notice.repositories()) && refMatches(notice.ref());
    }

    /** Whether one of the URLs is the configured repository; true when the notice names none. */
    public boolean matchesRepository(java.util.List<String> repositories) {
        return repositories.isEmpty()
                || repositories.stream().map(RepoMatcher::normalise).anyMatch(repository::equals);
    }

    private boolean refMatches(String pushed) {
        if (pushed == null) {
            return true; // the generic form may name only a revision
        }
        if (COMMIT.matcher(ref).matches()) {
            return false; // pinned to a commit: pushes do not move it
        }
        if (ref.startsWith("refs/") || ref.equals("HEAD")) {
            return pushed.equals(ref) || ref.equals("HEAD") && pushed.startsWith("refs/heads/");
        }
        return pushed.equals("refs/heads/" + ref) || pushed.equals("refs/tags/" + ref);
    }

    /** {@code host/path} in lower case, without scheme, user, default ports, trailing {@code .git} or slash. */
    public static String normalise(String url) {
        String u = url.trim();
        var scp = SCP_LIKE.matcher(u);
        if (!u.contains("://") && scp.matches()) {
            u = scp.group(1) + "/" + scp.group(2);
        } else {
            int scheme = u.indexOf("://");
            if (scheme >= 0) {
                u = u.substring(scheme + 3);
            }
            int at = u.indexOf('@');
            int slash = u.indexOf('/');
            if (at >= 0 && (slash < 0 || at < slash)) {
                u = u.substring(at + 1);
            }
            u = u.replaceFirst("^([^/]+):(22|443|80)/", "$1/");
        }
        u = u.toLowerCase(Locale.ROOT);
        while (u.endsWith("/")) {
            u = u.substring(0, u.length() - 1);
        }
        if (u.endsWith(".git")) {
            u = u.substring(0, u.length() - 4);
        }
        return u;
    }
}
