package io.alfred.gitops.drift;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;

/**
 * A live object cut down to the fields git sets: all the drift comparison needs, at a fraction of
 * the memory of the whole object (no status, managedFields, defaults or other managers' fields).
 *
 * <p>It never makes a difference look like a match: wherever {@code git} is a subset of the
 * projection, it is a subset of the live object, because every value kept is the live one at the
 * same path and a list keeps its live length. A projection made for an older render can only make
 * a match look like a difference, which costs a read, never a missed change.
 */
public final class Projection {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private Projection() {
    }

    /** The values of {@code live} at the paths of {@code git}; null where live has none. */
    public static JsonNode of(JsonNode git, JsonNode live) {
        if (git == null || live == null || live.isMissingNode()) {
            return null;
        }
        if (git.isObject() && live.isObject()) {
            ObjectNode out = NODES.objectNode();
            Iterator<Map.Entry<String, JsonNode>> fields = git.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                JsonNode kept = of(field.getValue(), live.get(field.getKey()));
                if (kept != null) {
                    out.set(field.getKey(), kept);
                }
            }
            return out;
        }
        if (git.isArray() && live.isArray() && git.size() == live.size()) {
            ArrayNode out = NODES.arrayNode(live.size());
            for (int i = 0; i < live.size(); i++) {
                JsonNode kept = of(git.get(i), live.get(i));
                out.add(kept == null ? NODES.missingNode() : kept);
            }
            return out;
        }
        // a scalar, a type change or a list of another length: the live value itself
        return live;
    }
}
