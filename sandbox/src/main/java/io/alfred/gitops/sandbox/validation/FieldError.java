package io.alfred.gitops.sandbox.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * One validation error as apimachinery's {@code field.Error} reports it: the field path, the error
 * type and its detail, printed {@code spec.replicas: Invalid value: -1: must be greater than or equal to 0}.
 */
public record FieldError(String field, Type type, String value, String detail) {

    /**
     * The error types of {@code k8s.io/apimachinery/pkg/util/validation/field}, with their wording and Status cause
     * reason.
     */
    public enum Type {
        REQUIRED("Required value", "FieldValueRequired"),
        INVALID("Invalid value", "FieldValueInvalid"),
        NOT_SUPPORTED("Unsupported value", "FieldValueNotSupported"),
        DUPLICATE("Duplicate value", "FieldValueDuplicate"),
        NOT_FOUND("Not found", "FieldValueNotFound"),
        FORBIDDEN("Forbidden", "FieldValueForbidden"),
        TOO_LONG("Too long", "FieldValueTooLong"),
        TOO_MANY("Too many", "FieldValueTooMany"),
        TYPE_INVALID("Invalid value", "FieldValueTypeInvalid");

        private final String text;
        private final String reason;

        Type(String text, String reason) {
            this.text = text;
            this.reason = reason;
        }

        public String reason() {
            return reason;
        }
    }

    public static FieldError required(String field, String detail) {
        return new FieldError(field, Type.REQUIRED, null, detail);
    }

    public static FieldError invalid(String field, JsonNode value, String detail) {
        return new FieldError(field, Type.INVALID, shown(value), detail);
    }

    public static FieldError invalid(String field, String value, String detail) {
        return invalid(field, TextNode.valueOf(value), detail);
    }

    public static FieldError notSupported(String field, JsonNode value, String... supported) {
        StringBuilder s = new StringBuilder("supported values: ");
        for (int i = 0; i < supported.length; i++) {
            s.append(i == 0 ? "" : ", ").append('"').append(supported[i]).append('"');
        }
        return new FieldError(field, Type.NOT_SUPPORTED, shown(value), s.toString());
    }

    public static FieldError duplicate(String field, JsonNode value) {
        return new FieldError(field, Type.DUPLICATE, shown(value), null);
    }

    public static FieldError notFound(String field, JsonNode value) {
        return new FieldError(field, Type.NOT_FOUND, shown(value), null);
    }

    public static FieldError forbidden(String field, String detail) {
        return new FieldError(field, Type.FORBIDDEN, null, detail);
    }

    public static FieldError tooLong(String field, String detail) {
        return new FieldError(field, Type.TOO_LONG, null, detail);
    }

    /**
     * A value as Go's {@code %#v}-like printing in field errors shows it: strings quoted, numbers and booleans bare.
     */
    static String shown(JsonNode value) {
        if (value == null || value.isMissingNode() || value.isNull()) {
            return "null";
        }
        return value.isTextual()
                ? '"' + value.asText().replace("\\", "\\\\").replace("\"", "\\\"") + '"'
                : value.toString();
    }

    /** The part after the field: {@code Invalid value: -1: must be ...}, as the Status cause's message. */
    public String message() {
        StringBuilder s = new StringBuilder(type.text);
        if (value != null) {
            s.append(": ").append(value);
        }
        if (detail != null && !detail.isEmpty()) {
            s.append(": ").append(detail);
        }
        return s.toString();
    }

    @Override
    public String toString() {
        return field + ": " + message();
    }
}
