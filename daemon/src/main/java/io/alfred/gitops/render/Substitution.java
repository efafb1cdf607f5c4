package io.alfred.gitops.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Post-render variable substitution, compatible with Flux's postBuild: {@code ${var}},
 * {@code ${var:=default}} and {@code ${var:-default}} in string values; {@code $${var}} is written
 * as a literal {@code ${var}}; {@code $var} without braces is left alone. An undefined variable
 * without a default is an error (Flux's strict mode). Objects annotated
 * {@code gitops.alfred.io/substitute: disabled} are not touched.
 */
public final class Substitution {
    private static final Pattern NAME = Pattern.compile("[_a-zA-Z][_a-zA-Z0-9]*");

    private final Map<String, String> variables;

    public Substitution(Map<String, String> variables) {
        this.variables = Map.copyOf(variables);
    }

    public List<Manifest> apply(List<Manifest> manifests) {
        List<Manifest> out = new ArrayList<>(manifests.size());
        for (Manifest m : manifests) {
            if ("disabled".equals(m.annotation(Manifest.SUBSTITUTE_ANNOTATION)) || !hasDollar(m.body())) {
                out.add(m); // as it is, not copied: the render keeps one tree per object
                continue;
            }
            ObjectNode body = m.body().deepCopy();
            walk(body, "", m);
            ObjectRef ref = ObjectRef.of(
                    body.path("apiVersion").asText(),
                    body.path("kind").asText(),
                    body.path("metadata").path("namespace").asText(""),
                    body.path("metadata").path("name").asText());
            out.add(new Manifest(ref, body, m.origin()));
        }
        return out;
    }

    /** Whether a string value holds a '$': only such values can change. */
    private static boolean hasDollar(JsonNode node) {
        if (node.isTextual()) {
            return node.textValue().indexOf('$') >= 0;
        }
        for (JsonNode child : node) {
            if (hasDollar(child)) {
                return true;
            }
        }
        return false;
    }

    private void walk(JsonNode node, String path, Manifest owner) {
        if (node instanceof ObjectNode object) {
            Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                String childPath = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
                if (field.getValue().isTextual()) {
                    field.setValue(TextNode.valueOf(substitute(field.getValue().asText(), childPath, owner)));
                } else {
                    walk(field.getValue(), childPath, owner);
                }
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                String childPath = path + "[" + i + "]";
                if (array.get(i).isTextual()) {
                    array.set(i, TextNode.valueOf(substitute(array.get(i).asText(), childPath, owner)));
                } else {
                    walk(array.get(i), childPath, owner);
                }
            }
        }
    }

    String substitute(String text, String path, Manifest owner) {
        if (text.indexOf('$') < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '$' && text.startsWith("$${", i)) {
                out.append("${");
                i += 3;
            } else if (c == '$' && text.startsWith("${", i)) {
                int close = text.indexOf('}', i + 2);
                if (close < 0) {
                    throw error(
                            owner,
                            path,
                            "unterminated '${' in "
                                    + (owner.isSecret()
                                            ? "a Secret value (not shown)"
                                            : "\"" + abbreviate(text) + "\""));
                }
                out.append(resolve(text.substring(i + 2, close), path, owner));
                i = close + 1;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private String resolve(String expression, String path, Manifest owner) {
        int colon = expression.indexOf(':');
        String name = colon < 0 ? expression : expression.substring(0, colon);
        if (!NAME.matcher(name).matches()) {
            throw error(
                    owner, path, "'${" + expression + "}' is not a variable reference (write $${...} for a literal)");
        }
        String value = variables.get(name);
        if (colon < 0) {
            if (value == null) {
                throw error(
                        owner,
                        path,
                        "variable ${" + name + "} is not defined (set gitops.render.substitute." + name
                                + ", or give a default: ${" + name + ":=value})");
            }
            return value;
        }
        String operator = expression.length() > colon + 1 ? expression.substring(colon + 1, colon + 2) : "";
        if (!operator.equals("=") && !operator.equals("-")) {
            throw error(owner, path, "'${" + expression + "}' is not supported (use ${" + name + ":=default})");
        }
        return value != null && !value.isEmpty() ? value : expression.substring(colon + 2);
    }

    private static RenderException error(Manifest owner, String path, String reason) {
        return new RenderException(owner.ref() + " (" + owner.origin() + ") at " + path, reason);
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
