package io.alfred.gitops.sandbox.validation;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * ValidateObjectMeta and the data-key rules: names by kind (RFC 1123 subdomain, label, or path
 * segment for RBAC), label keys and values, annotation keys and their 256 KiB total, ConfigMap and
 * Secret data keys.
 */
public final class MetadataRules {
    private static final Pattern LABEL_VALUE = Pattern.compile("(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?");
    private static final Pattern QUALIFIED_NAME = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
    private static final Pattern CONFIG_KEY = Pattern.compile("[-._a-zA-Z0-9]+");
    private static final long TOTAL_ANNOTATION_SIZE = 256 * 1024;
    private static final Set<String> LABEL_NAMED = Set.of("/Namespace");
    private static final Set<String> PATH_SEGMENT_NAMED =
            Set.of("Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding");

    private MetadataRules() {}

    static void validate(String group, String kind, JsonNode object, Errors errors) {
        JsonNode metadata = object.path("metadata");
        name(group, kind, metadata.path("name"), errors);
        labels(metadata.path("labels"), "metadata.labels", errors);
        annotations(metadata.path("annotations"), errors);
        if (group.isEmpty() && (kind.equals("ConfigMap") || kind.equals("Secret"))) {
            for (String field : new String[] {"data", "binaryData", "stringData"}) {
                object.path(field).fieldNames().forEachRemaining(key -> {
                    if (key.length() > 253 || !CONFIG_KEY.matcher(key).matches()) {
                        errors.add(FieldError.invalid(
                                field + "[" + key + "]",
                                key,
                                "a valid config key must consist of "
                                        + "alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  "
                                        + "or 'KEY_NAME',  or "
                                        + "'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"));
                    }
                });
            }
        }
    }

    private static void name(String group, String kind, JsonNode name, Errors errors) {
        String n = name.asText("");
        if (PATH_SEGMENT_NAMED.contains(kind) && group.equals("rbac.authorization.k8s.io")) {
            if (n.equals(".") || n.equals("..") || n.contains("/") || n.contains("%")) {
                errors.add(FieldError.invalid(
                        "metadata.name", n, "may not be '.' or '..' and may not contain '/' or '%'"));
            }
        } else if (LABEL_NAMED.contains(group + "/" + kind)) {
            errors.dnsLabel(name, "metadata.name");
        } else if (group.isEmpty() && kind.equals("Service")) {
            errors.dns1035Label(name, "metadata.name");
        } else {
            errors.dnsSubdomain(name, "metadata.name");
        }
    }

    static void labels(JsonNode labels, String field, Errors errors) {
        Iterator<Map.Entry<String, JsonNode>> it = labels.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            qualifiedKey(e.getKey(), field, errors);
            labelValue(e.getValue().asText(), field, errors);
        }
    }

    static void labelValue(String value, String field, Errors errors) {
        if (value.length() > 63) {
            errors.add(FieldError.invalid(field, value, "must be no more than 63 characters"));
        } else if (!LABEL_VALUE.matcher(value).matches()) {
            errors.add(FieldError.invalid(
                    field,
                    value,
                    "a valid label must be an empty string or consist of alphanumeric "
                            + "characters, '-', '_' or '.', and must start and end with an "
                            + "alphanumeric character (e.g. 'MyValue',  "
                            + "or 'my_value',  or '12345', regex used for validation is "
                            + "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"));
        }
    }

    private static void annotations(JsonNode annotations, Errors errors) {
        long total = 0;
        Iterator<Map.Entry<String, JsonNode>> it = annotations.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            qualifiedKey(e.getKey(), "metadata.annotations", errors);
            total += e.getKey().length() + e.getValue().asText().length();
        }
        if (total > TOTAL_ANNOTATION_SIZE) {
            errors.add(FieldError.tooLong(
                    "metadata.annotations", "must have at most " + TOTAL_ANNOTATION_SIZE + " bytes"));
        }
    }

    private static void qualifiedKey(String key, String field, Errors errors) {
        int slash = key.lastIndexOf('/');
        String prefix = slash < 0 ? null : key.substring(0, slash);
        String local = slash < 0 ? key : key.substring(slash + 1);
        boolean ok = local.length() <= 63
                && QUALIFIED_NAME.matcher(local).matches()
                && (prefix == null
                        || prefix.length() <= 253
                                && Errors.DNS_SUBDOMAIN.matcher(prefix).matches());
        if (!ok) {
            errors.add(FieldError.invalid(
                    field,
                    key,
                    "name part must consist of alphanumeric characters, '-', '_' or '.', "
                            + "and must start and end with an alphanumeric character (e.g. 'MyName',  or "
                            + "'my.name',  or '123-abc', "
                            + "regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') "
                            + "with an optional DNS "
                            + "subdomain prefix and '/'"));
        }
    }
}
