package io.alfred.gitops.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.alfred.gitops.config.YamlLimits;
import io.alfred.gitops.support.ArrayMap;
import java.io.StringReader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Multi-document YAML to JSON trees, the way the API server's YAML decoder reads it, but strict:
 * duplicate keys are errors, alias expansion and nesting are bounded (no "billion laughs"), and
 * every error carries the line it is on. Timestamps stay strings, as in Kubernetes.
 */
public final class YamlDocuments {
    static final int MAX_DOCUMENT_CODE_POINTS = 16 * 1024 * 1024;
    private static final Pattern INT = Pattern.compile("[-+]?(0|[1-9][0-9_]*)");
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** One document and the line (1-based) it starts on. */
    public record Document(JsonNode node, int line) {}

    private YamlDocuments() {}

    public static List<Document> parse(String text, String source) {
        return parse(text, source, YamlLimits.defaults());
    }

    public static List<Document> parse(String text, String source, YamlLimits limits) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(limits.aliases());
        options.setAllowRecursiveKeys(false);
        options.setNestingDepthLimit(limits.depth());
        options.setCodePointLimit(MAX_DOCUMENT_CODE_POINTS);
        Yaml yaml = new Yaml(new SafeConstructor(options));
        List<Document> documents = new ArrayList<>();
        SharedScalars scalars = new SharedScalars();
        int seen = 0;
        try {
            for (Node node : yaml.composeAll(new StringReader(text))) {
                if (++seen > limits.documents()) {
                    throw new RenderException(
                            source + ":" + line(node),
                            "more than " + limits.documents() + " YAML documents (gitops.render.limits.documents)");
                }
                JsonNode json = node == null ? null : new Expansion(source, limits, scalars).toJson(node, 0);
                if (json != null && !json.isNull()) {
                    documents.add(new Document(json, line(node)));
                }
            }
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            String problem = e.getProblem() == null ? e.getMessage() : e.getProblem();
            throw new RenderException(
                    source + (line > 0 ? ":" + line : ""),
                    "invalid YAML: " + (e.getContext() == null ? "" : e.getContext() + ", ") + problem);
        } catch (YAMLException e) {
            throw new RenderException(source, "invalid YAML: " + limitNamed(e.getMessage(), limits));
        }
        return documents;
    }

    /** SnakeYAML's own wording for a limit it enforces, followed by the setting that raises it. */
    private static String limitNamed(String message, YamlLimits limits) {
        if (message != null && message.startsWith("Number of aliases")) {
            return "more than " + limits.aliases() + " aliases in one document, as in an alias bomb"
                    + " (gitops.render.limits.yaml-aliases)";
        }
        if (message != null && message.startsWith("Nesting Depth exceeded")) {
            return message + " (gitops.render.limits.yaml-depth)";
        }
        return message;
    }

    /**
     * The scalars of one parse, each kept once: a render repeats its keys in every object, and many of
     * its values ({@code v1}, a namespace, a label), which SnakeYAML hands over as new strings each
     * time. Shared nodes are safe: Jackson's scalar nodes are immutable.
     */
    private static final class SharedScalars {
        private final Map<String, TextNode> texts = new HashMap<>();
        private final Map<Long, JsonNode> numbers = new HashMap<>();

        String key(String key) {
            return text(key).textValue();
        }

        TextNode text(String value) {
            return texts.computeIfAbsent(value, TextNode::valueOf);
        }

        JsonNode number(long value) {
            return numbers.computeIfAbsent(value, NODES::numberNode);
        }
    }

    /** One document's tree, counting every node an alias expands to. */
    private static final class Expansion {
        /** Mappings with at most this many keys are kept in an {@link ArrayMap}; larger ones are hashed. */
        private static final int SMALL_MAPPING = 12;

        private final String source;
        private final YamlLimits limits;
        private final SharedScalars scalars;
        private int nodes;

        Expansion(String source, YamlLimits limits, SharedScalars scalars) {
            this.source = source;
            this.limits = limits;
            this.scalars = scalars;
        }

        JsonNode toJson(Node node, int depth) {
            if (++nodes > limits.nodes()) {
                throw new RenderException(
                        source + ":" + line(node),
                        "more than " + limits.nodes()
                                + " YAML nodes in one document once aliases are expanded "
                                + "(gitops.render.limits.yaml-nodes)");
            }
            int maxDepth = limits.depth();
            if (depth > maxDepth) {
                throw new RenderException(
                        source + ":" + line(node),
                        "YAML nested deeper than " + maxDepth + " levels (gitops.render.limits.yaml-depth)");
            }
            if (node instanceof MappingNode map) {
                int keys = map.getValue().size();
                ObjectNode object =
                        new ObjectNode(NODES, keys <= SMALL_MAPPING ? new ArrayMap<>(keys) : new LinkedHashMap<>());
                List<NodeTuple> merges = new ArrayList<>();
                for (NodeTuple tuple : map.getValue()) {
                    if (tuple.getKeyNode().getTag().equals(Tag.MERGE)) {
                        merges.add(tuple);
                        continue;
                    }
                    if (!(tuple.getKeyNode() instanceof ScalarNode key)) {
                        throw new RenderException(
                                source + ":" + line(tuple.getKeyNode()), "mapping keys must be scalars");
                    }
                    if (object.has(key.getValue())) {
                        throw new RenderException(source + ":" + line(key), "duplicate key '" + key.getValue() + "'");
                    }
                    object.set(scalars.key(key.getValue()), toJson(tuple.getValueNode(), depth + 1));
                }
                for (NodeTuple merge : merges) {
                    mergeInto(object, toJson(merge.getValueNode(), depth + 1), source, merge);
                }
                return object;
            }
            if (node instanceof SequenceNode seq) {
                ArrayNode array = NODES.arrayNode();
                for (Node item : seq.getValue()) {
                    array.add(toJson(item, depth + 1));
                }
                return array;
            }
            return scalar((ScalarNode) node);
        }

        private JsonNode scalar(ScalarNode node) {
            String v = node.getValue();
            Tag tag = node.getTag();
            if (tag.equals(Tag.NULL)) {
                return NODES.nullNode();
            }
            if (tag.equals(Tag.BOOL)) {
                String lower = v.toLowerCase(Locale.ROOT);
                return NODES.booleanNode(
                        lower.equals("true") || lower.equals("yes") || lower.equals("on") || lower.equals("y"));
            }
            if (tag.equals(Tag.INT) && INT.matcher(v).matches()) {
                BigInteger n = new BigInteger(v.replace("_", "").replace("+", ""));
                return n.bitLength() < 64 ? scalars.number(n.longValue()) : NODES.numberNode(n);
            }
            if (tag.equals(Tag.FLOAT)) {
                try {
                    return NODES.numberNode(new BigDecimal(v.replace("_", "")));
                } catch (NumberFormatException e) {
                    return scalars.text(v); // .inf and .nan have no JSON form
                }
            }
            return scalars.text(v);
        }
    }

    private static void mergeInto(ObjectNode target, JsonNode merged, String source, NodeTuple where) {
        List<JsonNode> maps = merged.isArray() ? toList(merged) : List.of(merged);
        for (JsonNode m : maps) {
            if (!m.isObject()) {
                throw new RenderException(source + ":" + line(where.getKeyNode()), "'<<' must merge a mapping");
            }
            m.fields().forEachRemaining(e -> {
                if (!target.has(e.getKey())) {
                    target.set(e.getKey(), e.getValue());
                }
            });
        }
    }

    private static List<JsonNode> toList(JsonNode array) {
        List<JsonNode> out = new ArrayList<>();
        array.forEach(out::add);
        return out;
    }

    private static int line(Node node) {
        return node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
    }
}
