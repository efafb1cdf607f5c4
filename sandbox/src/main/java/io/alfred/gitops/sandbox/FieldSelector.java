package io.alfred.gitops.sandbox;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A {@code fieldSelector} of {@code path=value}, {@code path==value} and {@code path!=value} terms, comma-separated.
 */
final class FieldSelector {
    private FieldSelector() {}

    static boolean matches(String selector, JsonNode object) {
        for (String term : selector.split(",")) {
            if (term.isBlank()) {
                continue;
            }
            boolean negated = term.contains("!=");
            String[] parts = term.split(negated ? "!=" : "==?", 2);
            if (parts.length < 2) {
                continue;
            }
            JsonNode node = object;
            for (String field : parts[0].trim().split("\\.")) {
                node = node.path(field);
            }
            boolean equal = node.asText("").equals(parts[1].trim());
            if (equal == negated) {
                return false;
            }
        }
        return true;
    }
}
