package io.alfred.gitops.sandbox.validation;

import com.fasterxml.jackson.databind.JsonNode;

/** RBAC validation (k8s.io/kubernetes/pkg/apis/rbac/validation): policy rules, role references and subjects. */
final class RbacRules {
    private RbacRules() {}

    /** @param namespaced a Role's rules (not a ClusterRole's), which cannot name non-resource URLs */
    static void rules(JsonNode rules, boolean namespaced, Errors errors) {
        for (int i = 0; i < rules.size(); i++) {
            JsonNode r = rules.get(i);
            String at = "rules[" + i + "]";
            if (r.path("verbs").isEmpty()) {
                errors.add(FieldError.required(at + ".verbs", "verbs must contain at least one value"));
            }
            boolean urls = !r.path("nonResourceURLs").isEmpty();
            if (urls && namespaced) {
                errors.add(FieldError.invalid(
                        at + ".nonResourceURLs",
                        r.path("nonResourceURLs").toString(),
                        "namespaced rules cannot apply to non-resource URLs"));
            }
            if (urls && (!r.path("resources").isEmpty() || !r.path("apiGroups").isEmpty())) {
                errors.add(FieldError.invalid(
                        at + ".nonResourceURLs",
                        r.path("nonResourceURLs").toString(),
                        "rules cannot apply to both regular resources and non-resource URLs"));
            }
            if (!urls) {
                if (r.path("apiGroups").isEmpty()) {
                    errors.add(FieldError.required(
                            at + ".apiGroups", "resource rules must supply at least one api group"));
                }
                if (r.path("resources").isEmpty()) {
                    errors.add(
                            FieldError.required(at + ".resources", "resource rules must supply at least one resource"));
                }
            }
        }
    }

    /** RoleBinding and ClusterRoleBinding: roleRef and subjects; a RoleBinding may name a Role or a ClusterRole. */
    static void binding(JsonNode binding, boolean namespaced, Errors errors) {
        JsonNode ref = binding.path("roleRef");
        errors.oneOf(ref.path("apiGroup"), "roleRef.apiGroup", "rbac.authorization.k8s.io");
        if (namespaced) {
            errors.oneOf(ref.path("kind"), "roleRef.kind", "Role", "ClusterRole");
        } else {
            errors.oneOf(ref.path("kind"), "roleRef.kind", "ClusterRole");
        }
        errors.required(ref, "kind", "roleRef.kind");
        errors.required(ref, "name", "roleRef.name");
        JsonNode subjects = binding.path("subjects");
        for (int i = 0; i < subjects.size(); i++) {
            JsonNode s = subjects.get(i);
            String at = "subjects[" + i + "]";
            errors.required(s, "name", at + ".name");
            errors.oneOf(s.path("kind"), at + ".kind", "Group", "ServiceAccount", "User");
            if ("ServiceAccount".equals(s.path("kind").asText())) {
                if (s.has("apiGroup") && !s.path("apiGroup").asText().isEmpty()) {
                    errors.add(FieldError.notSupported(at + ".apiGroup", s.path("apiGroup"), ""));
                }
                if (!namespaced) {
                    errors.required(s, "namespace", at + ".namespace");
                }
            } else if (s.has("kind")) {
                errors.oneOf(s.path("apiGroup"), at + ".apiGroup", "rbac.authorization.k8s.io");
            }
        }
    }
}
