package io.alfred.gitops.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.alfred.gitops.cli.GitopsCommand;
import io.alfred.gitops.config.GitopsConfig;
import io.alfred.gitops.events.EventType;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The documentation (the README and {@code docs/*.md}, read as one text) cannot drift from the
 * code: every configuration key, metric, command, option and event type it names exists, and every
 * one the code has is in it.
 */
class ReadmeTest {
    static final String README = Documentation.all();

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The text of a section: from its heading to the next heading of the same or a higher level. */
    static String section(String heading) {
        int level = heading.indexOf(' ');
        int start = README.indexOf("\n" + heading + "\n");
        assertThat(start).as("README has %s", heading).isGreaterThanOrEqualTo(0);
        Matcher next = Pattern.compile("\n#{1," + level + "} ").matcher(README);
        int end = next.find(start + heading.length() + 1) ? next.start() : README.length();
        return README.substring(start, end);
    }

    /** gitops.* keys of the @ConfigMapping, kebab-case, a map as {@code <NAME>}. */
    static Set<String> configKeys() {
        Set<String> keys = new TreeSet<>();
        collect(GitopsConfig.class, "gitops", keys);
        return keys;
    }

    private static void collect(Class<?> type, String prefix, Set<String> keys) {
        for (Method m : type.getDeclaredMethods()) {
            if (Modifier.isStatic(m.getModifiers()) || m.isDefault()) {
                continue;
            }
            String key = prefix + "."
                    + m.getName().replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
            if (m.getReturnType().isInterface() && m.getReturnType().getName().startsWith("io.alfred")) {
                collect(m.getReturnType(), key, keys);
            } else if (Map.class.isAssignableFrom(m.getReturnType())) {
                keys.add(key + ".<NAME>");
            } else {
                keys.add(key);
            }
        }
    }

    /** The first column of the configuration table, `.x` shorthands expanded against the row's first key. */
    static Set<String> documentedKeys() {
        Set<String> keys = new TreeSet<>();
        for (String line : section("### Configuration").split("\n")) {
            if (!line.startsWith("| `gitops.")) {
                continue;
            }
            String first = line.split("\\|")[1];
            List<String> names = codeSpans(first);
            String base = names.get(0).substring(0, names.get(0).lastIndexOf('.'));
            for (String name : names) {
                keys.add(name.startsWith(".") ? base + name : name);
            }
        }
        return keys;
    }

    static List<String> codeSpans(String text) {
        return Pattern.compile("`([^`]+)`")
                .matcher(text)
                .results()
                .map(r -> r.group(1))
                .toList();
    }

    @Test
    void everyConfigurationKeyIsInTheTableAndEveryRowIsAKey() {
        assertThat(documentedKeys()).containsExactlyInAnyOrderElementsOf(configKeys());
    }

    @Test
    void theConfigurationTableIsOneTable() {
        String table = section("### Configuration");
        int header = table.indexOf("| key | default | meaning |");
        List<String> rows =
                table.substring(header).lines().takeWhile(l -> !l.isBlank()).toList();
        assertThat(rows.stream().filter(l -> l.startsWith("| `gitops.")).count())
                .as("no blank line splits the table")
                .isEqualTo(table.lines().filter(l -> l.startsWith("| `gitops.")).count());
    }

    @Test
    void everyKeyTheReadmeNamesExists() {
        Set<String> keys = configKeys();
        Set<String> unknown = new TreeSet<>();
        Matcher m =
                Pattern.compile("(?<![\\w.])gitops\\.[a-z][a-z0-9.-]*[a-z0-9*]").matcher(README);
        while (m.find()) {
            String token = m.group().replaceAll("\\.\\*$", "");
            if (token.startsWith("gitops.alfred.io") || token.startsWith("gitops.example")) {
                continue; // annotations, hosts
            }
            boolean known = keys.contains(token) || keys.stream().anyMatch(k -> k.startsWith(token + "."));
            if (!known) {
                unknown.add(token);
            }
        }
        assertThat(unknown)
                .as("keys the README names that the code does not have")
                .isEmpty();
    }

    /** Prometheus names of the meters the code registers: counters get _total, timers _seconds. */
    static Set<String> exportedMetrics() throws IOException {
        Pattern builder =
                Pattern.compile("(Counter|FunctionCounter|Gauge|MultiGauge|Timer)\\.builder\\(\"(gitops\\.[a-z.]+)\"");
        Set<String> names = new TreeSet<>();
        try (Stream<Path> files = Files.walk(Path.of("daemon/src/main/java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = builder.matcher(Files.readString(f));
                while (m.find()) {
                    String name = m.group(2).replace('.', '_');
                    names.add(
                            switch (m.group(1)) {
                                case "Counter", "FunctionCounter" -> name + "_total";
                                case "Timer" -> name + "_seconds";
                                default -> name;
                            });
                }
            }
        }
        return names;
    }

    @Test
    void metricsAreNamedAsExported() throws IOException {
        Set<String> exported = exportedMetrics();
        assertThat(exported).hasSizeGreaterThan(10);
        Set<String> inTable = codeSpans(section("### Metrics and alerts")).stream()
                .filter(s -> s.startsWith("gitops_"))
                .map(s -> s.replaceAll("\\{.*", ""))
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(inTable).as("the metrics table lists every metric").containsAll(exported);
        Set<String> named = Pattern.compile("\\bgitops_[a-z_]+[a-z]")
                .matcher(README)
                .results()
                .map(r -> r.group())
                .map(n -> n.replaceAll("_(count|sum|max|bucket)$", ""))
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(named).as("every metric the README names is exported").isSubsetOf(exported);
    }

    static CommandLine commandLine() {
        return new CommandLine(GitopsCommand.class);
    }

    @Test
    void everyCommandAndOptionIsDocumentedAndEveryDocumentedOneExists() {
        String cli = section("### Command line");
        Set<String> options = new TreeSet<>();
        for (Map.Entry<String, CommandLine> sub : commandLine().getSubcommands().entrySet()) {
            assertThat(cli).as("command %s", sub.getKey()).containsPattern("\\| (`[^`]+`, )?`" + sub.getKey() + "[ `]");
            CommandSpec spec = sub.getValue().getCommandSpec();
            for (OptionSpec o : spec.options()) {
                Arrays.stream(o.names())
                        .filter(n -> n.startsWith("--") && !n.equals("--help") && !n.equals("--version"))
                        .forEach(options::add);
            }
        }
        for (String option : options) {
            assertThat(cli).as("option %s", option).containsPattern("(?<![\\w-])" + option + "(?![\\w-])");
        }
        Set<String> named = Pattern.compile("(?<![\\w-])--[a-z][a-z-]*")
                .matcher(cli)
                .results()
                .map(r -> r.group())
                .collect(Collectors.toCollection(TreeSet::new));
        named.remove("--server-side"); // kubectl's, in the render row's example
        named.remove("--help");
        assertThat(named).as("options the command line section names").isSubsetOf(options);
    }

    @Test
    void everyEventTypeIsDocumentedAndEveryDocumentedOneExists() {
        Set<String> types =
                Arrays.stream(EventType.values()).map(EventType::type).collect(Collectors.toCollection(TreeSet::new));
        Set<String> documented = Pattern.compile("io\\.alfred\\.gitops\\.(sync|drift|preview)\\.[a-z]+")
                .matcher(README)
                .results()
                .map(r -> r.group())
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(documented).containsExactlyInAnyOrderElementsOf(types);
    }

    @Test
    void nothingRefersToAFileThatIsNotInTheRepository() {
        assertThat(README)
                .doesNotContain("DESIGN.md")
                .doesNotContainPattern("\\bissue \\d")
                .doesNotContain("the seed");
        Matcher paths =
                Pattern.compile("`((?:src|k8s|examples|bin)/[A-Za-z0-9_./-]+)`").matcher(README);
        Set<String> missing = new TreeSet<>();
        while (paths.find()) {
            String p = paths.group(1).replaceAll("[.:]$", "");
            if (!p.contains("<") && !p.contains("*") && !Files.exists(Path.of(p))) {
                missing.add(p);
            }
        }
        assertThat(missing).isEmpty();
    }
}
