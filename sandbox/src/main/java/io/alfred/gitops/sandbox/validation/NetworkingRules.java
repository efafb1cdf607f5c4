package io.alfred.gitops.sandbox.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.regex.Pattern;

/** The networking.k8s.io validation (k8s.io/kubernetes/pkg/apis/networking/validation): Ingress and NetworkPolicy. */
final class NetworkingRules {
    private static final Pattern CIDR = Pattern.compile("[0-9.]+/\\d{1,2}|[0-9a-fA-F:]+/\\d{1,3}");

    private NetworkingRules() {}

    static void ingress(JsonNode spec, Errors errors) {
        JsonNode rules = spec.path("rules");
        if (rules.isEmpty() && !spec.has("defaultBackend")) {
            errors.add(FieldError.invalid(
                    "spec", spec.toString(), "either `defaultBackend` or `rules` must be specified"));
        }
        if (spec.has("defaultBackend")) {
            backend(spec.path("defaultBackend"), "spec.defaultBackend", errors);
        }
        for (int i = 0; i < rules.size(); i++) {
            JsonNode rule = rules.get(i);
            String at = "spec.rules[" + i + "]";
            JsonNode host = rule.path("host");
            if (host.isTextual() && !host.asText().isEmpty()) {
                String h = host.asText();
                if (h.startsWith("*.")) {
                    errors.dnsSubdomain(TextNode.valueOf(h.substring(2)), at + ".host");
                } else {
                    errors.dnsSubdomain(host, at + ".host");
                }
            }
            JsonNode paths = rule.path("http").path("paths");
            if (rule.has("http") && paths.isEmpty()) {
                errors.add(FieldError.required(at + ".http.paths", null));
            }
            for (int j = 0; j < paths.size(); j++) {
                JsonNode p = paths.get(j);
                String pat = at + ".http.paths[" + j + "]";
                if (!p.has("pathType")) {
                    errors.add(FieldError.required(pat + ".pathType", "pathType must be specified"));
                }
                errors.oneOf(p.path("pathType"), pat + ".pathType", "Exact", "ImplementationSpecific", "Prefix");
                String type = p.path("pathType").asText();
                if ((type.equals("Exact") || type.equals("Prefix"))
                        && !p.path("path").asText("").startsWith("/")) {
                    errors.add(
                            FieldError.invalid(pat + ".path", p.path("path").asText(""), "must be an absolute path"));
                }
                backend(p.path("backend"), pat + ".backend", errors);
            }
        }
        JsonNode tls = spec.path("tls");
        for (int i = 0; i < tls.size(); i++) {
            JsonNode hosts = tls.get(i).path("hosts");
            for (int j = 0; j < hosts.size(); j++) {
                String h = hosts.get(j).asText();
                errors.dnsSubdomain(
                        TextNode.valueOf(h.startsWith("*.") ? h.substring(2) : h),
                        "spec.tls[" + i + "].hosts[" + j + "]");
            }
        }
    }

    private static void backend(JsonNode backend, String path, Errors errors) {
        boolean service = backend.has("service");
        boolean resource = backend.has("resource");
        if (service && resource) {
            errors.add(FieldError.invalid(path, backend.toString(), "cannot set both resource and service backends"));
        } else if (!service && !resource) {
            errors.add(FieldError.invalid(path, backend.toString(), "resource or service backend is required"));
        }
        if (service) {
            JsonNode s = backend.path("service");
            if (errors.required(s, "name", path + ".service.name")) {
                errors.dnsLabel(s.path("name"), path + ".service.name");
            }
            JsonNode port = s.path("port");
            boolean named = !port.path("name").asText("").isEmpty();
            boolean numbered = port.path("number").asLong(0) != 0;
            if (named && numbered) {
                errors.add(FieldError.invalid(
                        path + ".service.port", port.toString(), "cannot set both port name & port number"));
            } else if (!named && !numbered) {
                errors.add(
                        FieldError.invalid(path + ".service.port", port.toString(), "port name or number is required"));
            }
            if (numbered) {
                errors.port(port.path("number"), path + ".service.port.number");
            }
            if (named) {
                errors.portName(port.path("name"), path + ".service.port.name");
            }
        }
    }

    static void networkPolicy(JsonNode spec, Errors errors) {
        for (JsonNode type : spec.path("policyTypes")) {
            errors.oneOf(type, "spec.policyTypes", "Egress", "Ingress");
        }
        errors.labelSelector(spec.path("podSelector"), "spec.podSelector");
        rules(spec.path("ingress"), "spec.ingress", "from", errors);
        rules(spec.path("egress"), "spec.egress", "to", errors);
    }

    private static void rules(JsonNode rules, String path, String peers, Errors errors) {
        for (int i = 0; i < rules.size(); i++) {
            JsonNode rule = rules.get(i);
            String at = path + "[" + i + "]";
            JsonNode ports = rule.path("ports");
            for (int j = 0; j < ports.size(); j++) {
                JsonNode p = ports.get(j);
                String pat = at + ".ports[" + j + "]";
                errors.oneOf(p.path("protocol"), pat + ".protocol", "SCTP", "TCP", "UDP");
                errors.portNumberOrName(p.path("port"), pat + ".port");
                if (p.has("endPort")) {
                    if (!p.path("port").isNumber()) {
                        errors.add(FieldError.required(pat + ".port", "must be specified when endPort is specified"));
                    } else if (p.path("endPort").asLong() < p.path("port").asLong()) {
                        errors.add(FieldError.invalid(
                                pat + ".endPort", p.path("endPort"), "must be greater than or equal to `port`"));
                    }
                }
            }
            JsonNode list = rule.path(peers);
            for (int j = 0; j < list.size(); j++) {
                JsonNode peer = list.get(j);
                String pat = at + "." + peers + "[" + j + "]";
                int kinds = (peer.has("podSelector") || peer.has("namespaceSelector") ? 1 : 0)
                        + (peer.has("ipBlock") ? 1 : 0);
                if (kinds == 0) {
                    errors.add(FieldError.required(pat, "must specify a peer"));
                } else if (kinds > 1) {
                    errors.add(FieldError.forbidden(pat, "may not specify more than 1 peer type"));
                }
                JsonNode cidr = peer.path("ipBlock").path("cidr");
                if (peer.has("ipBlock") && !CIDR.matcher(cidr.asText("")).matches()) {
                    errors.add(FieldError.invalid(
                            pat + ".ipBlock.cidr",
                            cidr.asText(""),
                            "must be a valid CIDR value, " + "(e.g. 10.9.8.0/24 or 2001:db8::/64)"));
                }
            }
        }
    }
}
