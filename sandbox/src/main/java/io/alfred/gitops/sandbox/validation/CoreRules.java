package io.alfred.gitops.sandbox.validation;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The core group's validation (k8s.io/kubernetes/pkg/apis/core/validation) for Services, claims, ConfigMaps and
 * Secrets.
 */
final class CoreRules {
    private static final long MAX_DATA_SIZE = 1024 * 1024;
    private static final Pattern IPV4 =
            Pattern.compile("(25[0-5]|2[0-4]\\d|1?\\d?\\d)(\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)){3}");

    private CoreRules() {}

    static void service(JsonNode spec, Errors errors) {
        String type = spec.path("type").asText("ClusterIP");
        errors.oneOf(spec.path("type"), "spec.type", "ClusterIP", "ExternalName", "LoadBalancer", "NodePort");
        errors.oneOf(spec.path("sessionAffinity"), "spec.sessionAffinity", "ClientIP", "None");
        JsonNode ports = spec.path("ports");
        boolean headless = "None".equals(spec.path("clusterIP").asText());
        if (type.equals("ExternalName")) {
            if (errors.required(spec, "externalName", "spec.externalName")) {
                errors.dnsSubdomain(spec.path("externalName"), "spec.externalName");
            }
        } else if (ports.isEmpty() && !headless) {
            errors.add(FieldError.required("spec.ports", null));
        }
        for (int i = 0; i < ports.size(); i++) {
            JsonNode p = ports.get(i);
            String at = "spec.ports[" + i + "]";
            if (ports.size() > 1) {
                errors.required(p, "name", at + ".name");
            }
            if (p.has("name") && !p.path("name").asText().isEmpty()) {
                errors.dnsLabel(p.path("name"), at + ".name");
            }
            if (p.path("port").isMissingNode()) {
                errors.add(FieldError.invalid(at + ".port", "0", "must be between 1 and 65535, inclusive"));
            }
            errors.port(p.path("port"), at + ".port");
            errors.oneOf(p.path("protocol"), at + ".protocol", "SCTP", "TCP", "UDP");
            errors.portNumberOrName(p.path("targetPort"), at + ".targetPort");
            if (p.path("nodePort").asLong(0) != 0) {
                if (type.equals("ClusterIP")) {
                    errors.add(FieldError.forbidden(at + ".nodePort", "may not be used when `type` is 'ClusterIP'"));
                } else if (p.path("nodePort").asLong() < 30000
                        || p.path("nodePort").asLong() > 32767) {
                    errors.add(FieldError.invalid(
                            at + ".nodePort",
                            p.path("nodePort"),
                            "provided port is not in the " + "valid range. The range of valid ports is 30000-32767"));
                }
            }
        }
        errors.unique(ports, "name", "spec.ports");
        JsonNode ip = spec.path("clusterIP");
        if (ip.isTextual()
                && !ip.asText().isEmpty()
                && !headless
                && !IPV4.matcher(ip.asText()).matches()
                && !ip.asText().contains(":")) {
            errors.add(FieldError.invalid(
                    "spec.clusterIPs[0]", ip, "must be a valid IP address, (e.g. 10.9.8.7 or " + "2001:db8::ffff)"));
        }
        Iterator<Map.Entry<String, JsonNode>> selector = spec.path("selector").fields();
        while (selector.hasNext()) {
            Map.Entry<String, JsonNode> e = selector.next();
            MetadataRules.labelValue(e.getValue().asText(), "spec.selector", errors);
        }
        errors.oneOf(spec.path("externalTrafficPolicy"), "spec.externalTrafficPolicy", "Cluster", "Local");
        errors.oneOf(spec.path("internalTrafficPolicy"), "spec.internalTrafficPolicy", "Cluster", "Local");
        if (spec.has("externalTrafficPolicy") && type.equals("ClusterIP")) {
            errors.add(FieldError.invalid(
                    "spec.externalTrafficPolicy",
                    spec.path("externalTrafficPolicy"),
                    "may only be set for externally-accessible services"));
        }
    }

    static void persistentVolumeClaim(JsonNode spec, Errors errors) {
        claimSpec(spec, "spec", errors);
    }

    /** ValidatePersistentVolumeClaimSpec: access modes, a storage request above zero, volume mode. */
    static void claimSpec(JsonNode spec, String path, Errors errors) {
        JsonNode modes = spec.path("accessModes");
        if (modes.isEmpty() && !spec.has("dataSource") && !spec.has("dataSourceRef")) {
            errors.add(FieldError.required(path + ".accessModes", "at least 1 access mode is required"));
        }
        for (JsonNode mode : modes) {
            errors.oneOf(
                    mode, path + ".accessModes", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod");
        }
        JsonNode storage = spec.path("resources").path("requests").path("storage");
        if (storage.isMissingNode()) {
            errors.add(FieldError.required(path + ".resources[storage]", null));
        } else {
            BigDecimal value = Quantities.value(storage.asText());
            if (value != null && value.signum() <= 0) {
                errors.add(FieldError.invalid(
                        path + ".resources.requests[storage]", storage.asText(), "must be greater than zero"));
            }
        }
        errors.oneOf(spec.path("volumeMode"), path + ".volumeMode", "Block", "Filesystem");
    }

    /** ValidateConfigMap: at most 1 MiB of data in all, no key in both data and binaryData. */
    static void configMap(JsonNode object, Errors errors) {
        long size = 0;
        for (String field : new String[] {"data", "binaryData"}) {
            for (Map.Entry<String, JsonNode> e : (Iterable<Map.Entry<String, JsonNode>>)
                    () -> object.path(field).fields()) {
                size += e.getKey().length() + e.getValue().asText().length();
                if (field.equals("binaryData") && object.path("data").has(e.getKey())) {
                    errors.add(FieldError.invalid("data", e.getKey(), "duplicate of key present in binaryData"));
                }
            }
        }
        if (size > MAX_DATA_SIZE) {
            errors.add(FieldError.tooLong("", "must have at most " + MAX_DATA_SIZE + " bytes"));
        }
    }

    /** ValidateSecret: size, and the keys each Secret type requires. */
    static void secret(JsonNode object, Errors errors) {
        long size = 0;
        for (Map.Entry<String, JsonNode> e : (Iterable<Map.Entry<String, JsonNode>>)
                () -> object.path("data").fields()) {
            size += e.getValue().asText().length() * 3L / 4;
        }
        if (size > MAX_DATA_SIZE) {
            errors.add(FieldError.tooLong("data", "must have at most " + MAX_DATA_SIZE + " bytes"));
        }
        JsonNode data = object.path("data");
        JsonNode stringData = object.path("stringData");
        switch (object.path("type").asText("Opaque")) {
            case "kubernetes.io/tls" -> {
                for (String key : new String[] {"tls.crt", "tls.key"}) {
                    if (!data.has(key) && !stringData.has(key)) {
                        errors.add(FieldError.required("data[" + key + "]", null));
                    }
                }
            }
            case "kubernetes.io/dockerconfigjson" -> {
                if (!data.has(".dockerconfigjson") && !stringData.has(".dockerconfigjson")) {
                    errors.add(FieldError.required("data[.dockerconfigjson]", null));
                }
            }
            case "kubernetes.io/service-account-token" -> {
                if (object.path("metadata")
                        .path("annotations")
                        .path("kubernetes.io/service-account.name")
                        .asText("")
                        .isEmpty()) {
                    errors.add(FieldError.required("metadata.annotations[kubernetes.io/service-account.name]", null));
                }
            }
            case "kubernetes.io/basic-auth" -> {
                if (!data.has("username")
                        && !data.has("password")
                        && !stringData.has("username")
                        && !stringData.has("password")) {
                    errors.add(FieldError.required("data[username]", null));
                }
            }
            default -> {
                // Opaque and custom types: any keys
            }
        }
    }
}
