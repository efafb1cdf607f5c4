package io.alfred.gitops.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Figures of a benchmark run: printed as a table and merged into {@code target/bench/results.json}. */
final class BenchResults {
    record Figure(String name, double value, String unit, Map<String, Object> parameters) {}

    private final List<Figure> figures = new ArrayList<>();

    void add(String name, double value, String unit, Map<String, Object> parameters) {
        figures.add(new Figure(name, value, unit, parameters));
    }

    static double percentile(double[] values, double p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    void printAndWrite(String title) {
        StringBuilder sb = new StringBuilder("\n== ").append(title).append('\n');
        sb.append(String.format("%-44s %12s  %-6s %s%n", "figure", "value", "unit", "parameters"));
        for (Figure f : figures) {
            sb.append(String.format("%-44s %12.2f  %-6s %s%n", f.name(), f.value(), f.unit(), f.parameters()));
        }
        System.out.println(sb);
        try {
            ObjectMapper json = new ObjectMapper();
            Path file = Path.of("daemon/target/bench/results.json");
            Files.createDirectories(file.getParent());
            ArrayNode all = Files.exists(file) ? (ArrayNode) json.readTree(file.toFile()) : json.createArrayNode();
            for (Figure f : figures) {
                for (int i = all.size() - 1; i >= 0; i--) {
                    if (all.get(i).path("name").asText().equals(f.name())) {
                        all.remove(i);
                    }
                }
                ObjectNode n = all.addObject()
                        .put("name", f.name())
                        .put("value", f.value())
                        .put("unit", f.unit());
                n.set("parameters", json.valueToTree(f.parameters()));
            }
            json.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), all);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
