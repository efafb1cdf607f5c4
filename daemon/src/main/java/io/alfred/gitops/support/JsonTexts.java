package io.alfred.gitops.support;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** Text fields of a webhook's JSON, as the notices read them. */
public final class JsonTexts {
    private JsonTexts() {}

    /** The non-blank text values of {@code fields} on {@code node}, in that order (a repository's URLs). */
    public static List<String> of(JsonNode node, String... fields) {
        List<String> out = new ArrayList<>();
        for (String f : fields) {
            if (node.path(f).isTextual() && !node.path(f).asText().isBlank()) {
                out.add(node.path(f).asText());
            }
        }
        return out;
    }
}
