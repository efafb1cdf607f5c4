package io.alfred.gitops.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * An object with git's fields laid over a live one: mappings merge, every other value (lists
 * included) is git's. Close enough to what an apply would make of it to show which fields change,
 * when the server cannot say (it refuses the dry run).
 */
public final class Overlay {
    private Overlay() {}

    public static JsonNode of(JsonNode live, JsonNode desired) {
        if (!(live instanceof ObjectNode base) || !(desired instanceof ObjectNode top)) {
            return desired.deepCopy();
        }
        ObjectNode out = base.deepCopy();
        for (Map.Entry<String, JsonNode> field : top.properties()) {
            out.set(field.getKey(), of(base.path(field.getKey()), field.getValue()));
        }
        return out;
    }
}
