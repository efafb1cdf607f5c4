package io.alfred.gitops.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Byte sizes written as Kubernetes writes quantities: {@code 512Mi}, {@code 4Mi}, {@code 1Gi}, {@code 64Ki}, or
 * bytes.
 */
public final class Sizes {
    private static final Pattern SIZE = Pattern.compile("(\\d+)(Ki|Mi|Gi)?");

    private Sizes() {}

    public static long parse(String key, String text) {
        Matcher m = SIZE.matcher(text == null ? "" : text.trim());
        if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
            throw new InvalidConfigException(key, "'" + text + "' is not a size (write e.g. 4Mi, 512Mi, 1Gi or bytes)");
        }
        long n = Long.parseLong(m.group(1));
        return m.group(2) == null
                ? n
                : switch (m.group(2)) {
                    case "Ki" -> n * 1024;
                    case "Mi" -> n * 1024 * 1024;
                    default -> n * 1024 * 1024 * 1024;
                };
    }

    /** A byte count as settings write it: 4Mi, 1Gi, 512Ki; other counts to one decimal (100.0Mi) or in bytes. */
    public static String format(long bytes) {
        String[] units = {"Gi", "Mi", "Ki"};
        long[] sizes = {1L << 30, 1L << 20, 1L << 10};
        for (int i = 0; i < units.length; i++) {
            if (bytes >= sizes[i]) {
                return bytes % sizes[i] == 0
                        ? bytes / sizes[i] + units[i]
                        : String.format(Locale.ROOT, "%.1f%s", (double) bytes / sizes[i], units[i]);
            }
        }
        return bytes + " bytes";
    }
}
