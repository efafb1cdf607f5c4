package io.alfred.gitops.sandbox.validation;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Collects field errors, with the checks apimachinery's validation helpers make and their wording
 * ({@code ValidateNonnegativeField}, {@code IsDNS1123Label}, {@code IsValidPortNum}, ...).
 */
final class Errors {
    static final String DNS_LABEL_REGEX = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
    private static final Pattern DNS_LABEL = Pattern.compile(DNS_LABEL_REGEX);
    static final Pattern DNS_SUBDOMAIN = Pattern.compile(DNS_LABEL_REGEX + "(\\." + DNS_LABEL_REGEX + ")*");
    private static final Pattern DNS_1035_LABEL = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern PERCENT = Pattern.compile("[0-9]+%");
    private static final Pattern IANA_SVC_NAME = Pattern.compile("[-a-z0-9]+");

    private final List<FieldError> list = new ArrayList<>();

    List<FieldError> list() {
        return list;
    }

    void add(FieldError error) {
        list.add(error);
    }

    /** A value that must be present: a missing, null or empty string, list or map one is Required. */
    boolean required(JsonNode parent, String key, String path) {
        JsonNode v = parent.path(key);
        if (v.isMissingNode()
                || v.isNull()
                || v.isTextual() && v.asText().isEmpty()
                || v.isContainerNode() && v.isEmpty()) {
            add(FieldError.required(path, null));
            return false;
        }
        return true;
    }

    void oneOf(JsonNode value, String path, String... supported) {
        if (!value.isMissingNode()
                && !value.isNull()
                && !Arrays.asList(supported).contains(value.asText())) {
            add(FieldError.notSupported(path, value, supported));
        }
    }

    void nonNegative(JsonNode value, String path) {
        atLeast(value, path, 0);
    }

    void atLeast(JsonNode value, String path, long min) {
        if (value.isNumber() && value.asLong() < min) {
            add(FieldError.invalid(path, value, "must be greater than or equal to " + min));
        }
    }

    void port(JsonNode value, String path) {
        if (value.isNumber() && (value.asLong() < 1 || value.asLong() > 65535)) {
            add(FieldError.invalid(path, value, "must be between 1 and 65535, inclusive"));
        }
    }

    /** IsValidPortName: an IANA service name, at most 15 characters, letters and digits and inner hyphens. */
    void portName(JsonNode value, String path) {
        if (!value.isTextual()) {
            return;
        }
        String name = value.asText();
        if (name.length() > 15) {
            add(FieldError.invalid(path, value, "must be no more than 15 characters"));
        } else if (!IANA_SVC_NAME.matcher(name).matches()) {
            add(FieldError.invalid(
                    path, value, "must contain only alphanumeric characters (a-z, 0-9), and hyphens (-)"));
        } else if (name.contains("--")) {
            add(FieldError.invalid(path, value, "must not contain consecutive hyphens"));
        } else if (name.startsWith("-") || name.endsWith("-")) {
            add(FieldError.invalid(path, value, "must not begin or end with a hyphen"));
        } else if (!name.matches(".*[a-z].*")) {
            add(FieldError.invalid(path, value, "must contain at least one letter (a-z)"));
        }
    }

    /** An int-or-string that is a port number or a port name (targetPort, probe ports). */
    void portNumberOrName(JsonNode value, String path) {
        if (value.isNumber()) {
            port(value, path);
        } else {
            portName(value, path);
        }
    }

    /** IsDNS1123Label: each failed rule is an error of its own, as the API server lists them. */
    void dnsLabel(JsonNode value, String path) {
        syntax(
                value,
                path,
                63,
                DNS_LABEL,
                "a lowercase RFC 1123 label must consist of lower case alphanumeric characters "
                        + "or '-', and must start and end with an alphanumeric character (e.g. "
                        + "'my-name',  or '123-abc', regex "
                        + "used for validation is '" + DNS_LABEL_REGEX + "')");
    }

    /** IsDNS1035Label (Service names): a label that starts with a letter. */
    void dns1035Label(JsonNode value, String path) {
        syntax(
                value,
                path,
                63,
                DNS_1035_LABEL,
                "a DNS-1035 label must consist of lower case alphanumeric characters or "
                        + "'-', start with an alphabetic character, and end with an alphanumeric "
                        + "character (e.g. 'my-name',  "
                        + "or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')");
    }

    /** IsDNS1123Subdomain. */
    void dnsSubdomain(JsonNode value, String path) {
        syntax(
                value,
                path,
                253,
                DNS_SUBDOMAIN,
                "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
                        + "characters, '-' or '.', and must start and end with an alphanumeric character "
                        + "(e.g. 'example.com', "
                        + "regex used for validation is '" + DNS_LABEL_REGEX + "(\\." + DNS_LABEL_REGEX + ")*')");
    }

    /** A name rule: a length error and a syntax error, each reported when it applies. */
    private void syntax(JsonNode value, String path, int maxLength, Pattern pattern, String syntaxMessage) {
        if (!value.isTextual()) {
            return;
        }
        if (value.asText().length() > maxLength) {
            add(FieldError.invalid(path, value, "must be no more than " + maxLength + " characters"));
        }
        if (!pattern.matcher(value.asText()).matches()) {
            add(FieldError.invalid(path, value, syntaxMessage));
        }
    }

    /**
     * ValidatePositiveIntOrPercent and IsValidPercent: a non-negative integer, or a percentage string
     * ({@code 25%}); with {@code atMost100}, a percentage over 100% is refused too.
     */
    void intOrPercent(JsonNode value, String path, boolean atMost100) {
        if (value.isMissingNode() || value.isNull()) {
            return;
        }
        if (value.isTextual()) {
            if (!PERCENT.matcher(value.asText()).matches()) {
                add(FieldError.invalid(
                        path,
                        value,
                        "a valid percent string must be a numeric string followed by an ending "
                                + "'%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"));
            } else if (atMost100 && Long.parseLong(value.asText().replace("%", "")) > 100) {
                add(FieldError.invalid(path, value, "must not be greater than 100%"));
            }
        } else if (value.isNumber()) {
            nonNegative(value, path);
        }
    }

    /** An int-or-percent's number ({@code 25} for both 25 and "25%"); -1 when it is neither. */
    static long amount(JsonNode value) {
        if (value.isNumber()) {
            return value.asLong();
        }
        if (value.isTextual() && PERCENT.matcher(value.asText()).matches()) {
            return Long.parseLong(value.asText().replace("%", ""));
        }
        return -1;
    }

    /** A list of objects whose {@code key} must be unique, as for container, volume and port names. */
    void unique(JsonNode list, String key, String path) {
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode v = list.get(i).path(key);
            if (v.isTextual() && !v.asText().isEmpty()) {
                if (seen.contains(v.asText())) {
                    add(FieldError.duplicate(path + "[" + i + "]." + key, v));
                }
                seen.add(v.asText());
            }
        }
    }

    /** A label selector: its matchLabels keys and values, and the operators of its expressions. */
    void labelSelector(JsonNode selector, String path) {
        JsonNode expressions = selector.path("matchExpressions");
        for (int i = 0; i < expressions.size(); i++) {
            JsonNode e = expressions.get(i);
            String at = path + ".matchExpressions[" + i + "]";
            oneOf(e.path("operator"), at + ".operator", "In", "NotIn", "Exists", "DoesNotExist");
            String op = e.path("operator").asText();
            int values = e.path("values").size();
            if ((op.equals("In") || op.equals("NotIn")) && values == 0) {
                add(FieldError.required(at + ".values", "must be specified when `operator` is 'In' or 'NotIn'"));
            }
            if ((op.equals("Exists") || op.equals("DoesNotExist")) && values > 0) {
                add(FieldError.forbidden(
                        at + ".values", "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
            }
        }
    }
}
