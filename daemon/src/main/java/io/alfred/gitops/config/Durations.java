package io.alfred.gitops.config;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses durations the way Flux and Kubernetes users write them ({@code 1m30s}, {@code 500ms}) or ISO-8601. */
public final class Durations {
    private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    private Durations() {}

    public static Duration parse(String key, String text) {
        String value = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (value.startsWith("p")) {
            try {
                return positive(key, text, Duration.parse(value.toUpperCase(Locale.ROOT)));
            } catch (RuntimeException e) {
                throw invalid(key, text);
            }
        }
        Matcher m = PART.matcher(value);
        Duration total = Duration.ZERO;
        int end = 0;
        while (m.find() && m.start() == end) {
            long n = Long.parseLong(m.group(1));
            total = total.plus(
                    switch (m.group(2)) {
                        case "ms" -> Duration.ofMillis(n);
                        case "s" -> Duration.ofSeconds(n);
                        case "m" -> Duration.ofMinutes(n);
                        case "h" -> Duration.ofHours(n);
                        default -> Duration.ofDays(n);
                    });
            end = m.end();
        }
        if (value.isEmpty() || end != value.length()) {
            throw invalid(key, text);
        }
        return positive(key, text, total);
    }

    /** The way settings are written: {@code 90s} as 1m30s, {@code 250ms}, {@code 2h}. */
    public static String format(Duration d) {
        if (d.toMillis() < 1000) {
            return d.toMillis() + "ms";
        }
        StringBuilder out = new StringBuilder();
        long seconds = d.toSeconds();
        long[] units = {86_400, 3_600, 60, 1};
        String[] names = {"d", "h", "m", "s"};
        for (int i = 0; i < units.length; i++) {
            if (seconds >= units[i]) {
                out.append(seconds / units[i]).append(names[i]);
                seconds %= units[i];
            }
        }
        return out.toString();
    }

    private static Duration positive(String key, String text, Duration d) {
        if (d.isZero() || d.isNegative()) {
            throw new InvalidConfigException(key, "must be a positive duration, got '" + text + "'");
        }
        return d;
    }

    private static InvalidConfigException invalid(String key, String text) {
        return new InvalidConfigException(
                key, "'" + text + "' is not a duration (write e.g. 30s, 1m, 1m30s, 500ms, 2h or ISO-8601 PT1M)");
    }
}
