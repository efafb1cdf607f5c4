package io.alfred.gitops.sandbox;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The {@code fieldValidation} query parameter of writes: what the API server does with fields the
 * kind's schema does not declare. It drops them in every mode; {@code Strict} refuses the request
 * instead, {@code Warn} (the default) says so in a {@code Warning} header, {@code Ignore} says nothing.
 */
enum FieldValidation {
    STRICT,
    WARN,
    IGNORE;

    static FieldValidation of(String parameter) {
        if (parameter == null || parameter.isEmpty()) {
            return WARN;
        }
        try {
            return valueOf(parameter.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("fieldValidation: Unsupported value: \"" + parameter
                    + "\": supported values: \"Ignore\", \"Strict\", \"Warn\"");
        }
    }

    /**
     * Prunes {@code object} and returns the warnings to send, or throws the 400 the API server
     * answers in Strict mode: worded as its strict decoder does, or as server-side apply's typed
     * conversion does for an apply.
     */
    List<String> check(ResourceType type, ObjectNode object, OpenApiDocuments.Schema schema, boolean apply) {
        List<String> unknown = UnknownFields.prune(object, schema);
        if (unknown.isEmpty() || this == IGNORE) {
            return List.of();
        }
        if (this == STRICT) {
            if (apply) {
                String name = object.path("metadata").path("name").asText();
                String namespace = object.path("metadata").path("namespace").asText("");
                throw ApiError.badRequest(
                        "failed to create typed patch object (" + (namespace.isEmpty() ? "" : namespace + "/")
                                + name + "; " + type.groupVersion() + ", Kind=" + type.kind() + "): "
                                + unknown.stream()
                                        .map(f -> "." + f + ": field not declared in schema")
                                        .collect(Collectors.joining(", ")));
            }
            throw ApiError.badRequest(type.kind() + " in version \"" + type.version() + "\" cannot be handled as a "
                    + type.kind() + ": strict decoding error: "
                    + unknown.stream().map(f -> "unknown field \"" + f + "\"").collect(Collectors.joining(", ")));
        }
        return unknown.stream().map(f -> "unknown field \"" + f + "\"").toList();
    }
}
