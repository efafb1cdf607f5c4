package io.alfred.gitops.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JSONPath subset CRD printer columns use: {@code .a.b}, {@code .a[0]}, and a filter on one
 * field, {@code .status.conditions[?(@.type=="Ready")].status}, taking the first match.
 */
final class SimpleJsonPath {
    private static final Pattern STEP =
            Pattern.compile("\\.([^.\\[]+)|\\[(\\d+)]|\\[\\?\\(@\\.([^=!]+)==[\"']([^\"']*)[\"']\\)]");

    private SimpleJsonPath() {}

    static JsonNode read(JsonNode root, String path) {
        String p = path.startsWith("{") && path.endsWith("}") ? path.substring(1, path.length() - 1) : path;
        if (p.startsWith("$")) {
            p = p.substring(1);
        }
        JsonNode node = root;
        Matcher m = STEP.matcher(p);
        int at = 0;
        while (m.find() && m.start() == at) {
            at = m.end();
            if (m.group(1) != null) {
                node = node.path(m.group(1));
            } else if (m.group(2) != null) {
                node = node.path(Integer.parseInt(m.group(2)));
            } else {
                JsonNode match = MissingNode.getInstance();
                for (JsonNode item : node) {
                    if (item.path(m.group(3)).asText().equals(m.group(4))) {
                        match = item;
                        break;
                    }
                }
                node = match;
            }
        }
        return at == p.length() ? node : MissingNode.getInstance();
    }
}
