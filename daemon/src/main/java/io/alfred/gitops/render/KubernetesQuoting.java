package io.alfred.gitops.render;

import com.fasterxml.jackson.dataformat.yaml.util.StringQuotingChecker;
import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Quotes every string that a YAML 1.1 reader (Kubernetes' decoders among them) would read as
 * something else if written plain: {@code "1"}, {@code "0755"}, {@code "1e3"}, {@code "true"},
 * {@code "yes"}, {@code "on"}, {@code "null"}, {@code "~"}, {@code "1:30"}, {@code "2024-01-01"}.
 * Jackson's own check misses some of them, and a label value {@code "1"} written as {@code 1} is
 * refused by the API server ("cannot unmarshal number into ... labels of type string").
 */
final class KubernetesQuoting extends StringQuotingChecker {
    private static final long serialVersionUID = 1L;
    private static final Resolver YAML_1_1 = new Resolver();
    private final StringQuotingChecker jackson = StringQuotingChecker.Default.instance();

    @Override
    public boolean needToQuoteName(String name) {
        return jackson.needToQuoteName(name) || !isPlainString(name);
    }

    @Override
    public boolean needToQuoteValue(String value) {
        return jackson.needToQuoteValue(value) || !isPlainString(value);
    }

    private static boolean isPlainString(String value) {
        return Tag.STR.equals(YAML_1_1.resolve(NodeId.scalar, value, true));
    }
}
