package io.alfred.gitops.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code labelSelector} query parameter as the API server reads it: {@code a=b}, {@code a==b},
 * {@code a!=b}, {@code a in (x,y)}, {@code a notin (x)}, {@code a} and {@code !a}, comma-separated.
 */
final class LabelSelector {
    private static final Pattern SET = Pattern.compile("\\s*(\\S+?)\\s+(in|notin)\\s*\\(([^)]*)\\)\\s*");

    private LabelSelector() {}

    static Predicate<JsonNode> parse(String selector) {
        List<Predicate<JsonNode>> terms = new ArrayList<>();
        for (String term : split(selector)) {
            terms.add(term(term.trim()));
        }
        return object ->
                terms.stream().allMatch(t -> t.test(object.path("metadata").path("labels")));
    }

    private static Predicate<JsonNode> term(String term) {
        Matcher set = SET.matcher(term);
        if (set.matches()) {
            Set<String> values = Set.of(
                    set.group(3).trim().isEmpty() ? new String[0] : set.group(3).split("\\s*,\\s*"));
            String key = set.group(1);
            boolean in = set.group(2).equals("in");
            return labels ->
                    in == (labels.has(key) && values.contains(labels.path(key).asText()));
        }
        if (term.contains("!=")) {
            String[] kv = term.split("!=", 2);
            return labels -> !labels.path(kv[0].trim()).asText("\u0000").equals(kv[1].trim());
        }
        if (term.contains("=")) {
            String[] kv = term.split("==?", 2);
            return labels -> labels.has(kv[0].trim())
                    && labels.path(kv[0].trim()).asText().equals(kv[1].trim());
        }
        if (term.startsWith("!")) {
            String key = term.substring(1).trim();
            return labels -> !labels.has(key);
        }
        return term.isEmpty() ? labels -> true : labels -> labels.has(term);
    }

    /** Splits on the commas outside parentheses. */
    private static List<String> split(String selector) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < selector.length(); i++) {
            char c = selector.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == ',' && depth == 0) {
                out.add(selector.substring(start, i));
                start = i + 1;
            }
        }
        out.add(selector.substring(start));
        return out;
    }
}
