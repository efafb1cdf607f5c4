package io.alfred.gitops.source;

import java.util.regex.Pattern;

/** Keeps credentials out of messages: user info in URLs and any secret value we know of. */
public final class Redactor {
    private static final Pattern USER_INFO = Pattern.compile("(?<=://)[^/@\\s]+@");

    private Redactor() {}

    public static String url(String url) {
        return url == null ? null : USER_INFO.matcher(url).replaceAll("***@");
    }

    public static String text(String text, String secret) {
        if (text == null) {
            return "";
        }
        String out = url(text);
        if (secret != null && secret.length() >= 4) {
            out = out.replace(secret, "***");
        }
        return out;
    }
}
