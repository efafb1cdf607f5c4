package io.alfred.gitops.preview;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * What a preview must never repeat: the values of the daemon's environment variables and of its
 * substitutions ({@code gitops.render.substitute.*}). A pull request may come from anyone with a
 * fork; one that writes {@code ${var}} into a manifest would otherwise read the value back from
 * the diff in its comment. Each value is replaced by {@code (redacted)}, longest first; values
 * shorter than {@link #MIN_LENGTH} are too common to mean anything and are left alone.
 */
public record Redaction(List<String> values) implements UnaryOperator<String> {
    static final int MIN_LENGTH = 6;
    static final String REDACTED = "(redacted)";

    public Redaction {
        values = values.stream()
                .filter(v -> v != null && v.length() >= MIN_LENGTH)
                .distinct()
                .sorted(Comparator.comparingInt(String::length).reversed())
                .toList();
    }

    public static Redaction of(Map<String, String> environment, Map<String, String> substitutions) {
        return new Redaction(Stream.concat(environment.values().stream(), substitutions.values().stream())
                .toList());
    }

    @Override
    public String apply(String text) {
        String out = text;
        for (String value : values) {
            if (out.contains(value)) {
                out = out.replace(value, REDACTED);
            }
        }
        return out;
    }
}
