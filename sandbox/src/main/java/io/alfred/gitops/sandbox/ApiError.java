package io.alfred.gitops.sandbox;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.alfred.gitops.sandbox.validation.FieldError;
import java.util.List;
import java.util.stream.Collectors;

/** A request the API server refuses, with the status code, reason and message a real one gives. */
final class ApiError extends RuntimeException {
    final int code;
    final String reason;
    final String name;
    final String group;
    final String kind;
    final String field;
    private List<FieldError> causes = List.of();

    ApiError(int code, String reason, String message, String name, String group, String kind, String field) {
        super(message);
        this.code = code;
        this.reason = reason;
        this.name = name;
        this.group = group;
        this.kind = kind;
        this.field = field;
    }

    static ApiError notFound(ResourceType type, String name) {
        return new ApiError(
                404,
                "NotFound",
                type.qualifiedPlural() + " \"" + name + "\" not found",
                name,
                type.group(),
                type.plural(),
                null);
    }

    static ApiError namespaceNotFound(String namespace) {
        return new ApiError(
                404, "NotFound", "namespaces \"" + namespace + "\" not found", namespace, "", "namespaces", null);
    }

    static ApiError alreadyExists(ResourceType type, String name) {
        return new ApiError(
                409,
                "AlreadyExists",
                type.qualifiedPlural() + " \"" + name + "\" already exists",
                name,
                type.group(),
                type.plural(),
                null);
    }

    static ApiError staleResourceVersion(ResourceType type, String name) {
        return new ApiError(
                409,
                "Conflict",
                "Operation cannot be fulfilled on " + type.qualifiedPlural() + " \"" + name
                        + "\": the object has been modified; please apply your changes to the latest "
                        + "version and try again",
                name,
                type.group(),
                type.plural(),
                null);
    }

    static ApiError applyConflict(ResourceType type, String name, String message) {
        return new ApiError(409, "Conflict", message, name, type.group(), type.plural(), null);
    }

    /** 422 Invalid: {@code Kind.group "name" is invalid: field: detail}. */
    static ApiError invalid(ResourceType type, String name, String field, String detail) {
        return new ApiError(
                422,
                "Invalid",
                type.qualifiedKind() + " \"" + (name == null ? "" : name) + "\" is invalid: " + field + ": " + detail,
                name,
                type.group(),
                type.kind(),
                field);
    }

    /**
     * 422 Invalid with every field error, as the API server answers: {@code Kind.group "name" is
     * invalid: field: detail}, or {@code [a, b]} for several, and one Status cause per error.
     */
    static ApiError invalid(ResourceType type, String name, List<FieldError> errors) {
        String list = errors.size() == 1
                ? errors.get(0).toString()
                : "[" + errors.stream().map(FieldError::toString).collect(Collectors.joining(", ")) + "]";
        ApiError e = new ApiError(
                422,
                "Invalid",
                type.qualifiedKind() + " \"" + name + "\" is invalid: " + list,
                name,
                type.group(),
                type.kind(),
                null);
        e.causes = List.copyOf(errors);
        return e;
    }

    static ApiError badRequest(String message) {
        return new ApiError(400, "BadRequest", message, null, null, null, null);
    }

    static ApiError unsupportedMediaType(String contentType) {
        return new ApiError(
                415,
                "UnsupportedMediaType",
                "the body of the request was in an unknown format - accepted "
                        + "media types include: application/json-patch+json, application/merge-patch+json, "
                        + "application/apply-patch+yaml, application/strategic-merge-patch+json (got " + contentType
                        + ")",
                null,
                null,
                null,
                null);
    }

    ObjectNode toStatus() {
        ObjectNode status =
                JsonNodeFactory.instance.objectNode().put("kind", "Status").put("apiVersion", "v1");
        status.putObject("metadata");
        status.put("status", "Failure").put("message", getMessage()).put("reason", reason);
        if (name != null || kind != null) {
            ObjectNode details = status.putObject("details");
            if (name != null) {
                details.put("name", name);
            }
            if (group != null && !group.isEmpty()) {
                details.put("group", group);
            }
            if (kind != null) {
                details.put("kind", kind);
            }
            if (!causes.isEmpty()) {
                ArrayNode list = details.putArray("causes");
                for (FieldError c : causes) {
                    list.addObject()
                            .put("reason", c.type().reason())
                            .put("message", c.message())
                            .put("field", c.field());
                }
            } else if (field != null) {
                details.putArray("causes")
                        .addObject()
                        .put("reason", "FieldValueInvalid")
                        .put("message", getMessage().substring(getMessage().indexOf(field + ": ") + field.length() + 2))
                        .put("field", field);
            }
        }
        return status.put("code", code);
    }
}
