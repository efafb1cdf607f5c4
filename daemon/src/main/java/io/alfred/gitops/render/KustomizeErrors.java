package io.alfred.gitops.render;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kustomize's error output as one line a person can act on: kubectl's klog wrapper removed (both
 * its one-line {@code err="..."} and its multi-line {@code err=<} forms), paths relative to the
 * repository root instead of the daemon's snapshot directory, and each clause said once.
 */
final class KustomizeErrors {
    private static final Pattern KLOG_PREFIX =
            Pattern.compile("^[EWIF]\\d{4} \\d{2}:\\d{2}:\\d{2}\\.\\d+\\s+\\d+ \\S+\\] ");
    private static final Pattern KLOG_ONE_LINE = Pattern.compile("err=\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern EVALSYMLINK = Pattern.compile("evalsymlink failure on '([^']+)' : lstat \\1: ");
    private static final Pattern MISSING_RESOURCE =
            Pattern.compile("accumulating resources from '([^']+)': (\\S+): no such file or directory");

    private KustomizeErrors() {}

    /**
     * @param lines Kustomize's stderr without its warnings
     * @param root the checkout's root, to write paths relative to the repository
     */
    static String message(List<String> lines, int exit, Path root) {
        String text = unwrapKlog(lines);
        if (text.isBlank()) {
            return "exit code " + exit;
        }
        text = text.replace(root.toAbsolutePath().normalize() + "/", "");
        text = EVALSYMLINK.matcher(text).replaceAll("$1: ");
        Matcher missing = MISSING_RESOURCE.matcher(text);
        if (missing.find()) {
            return "resource '" + missing.group(1) + "' does not exist (" + missing.group(2) + ")";
        }
        return sayEachClauseOnce(text);
    }

    private static String unwrapKlog(List<String> lines) {
        List<String> out = new ArrayList<>();
        boolean inBlock = false;
        for (String raw : lines) {
            String line = raw.strip();
            Matcher prefix = KLOG_PREFIX.matcher(line);
            if (prefix.find()) {
                String rest = line.substring(prefix.end());
                Matcher quoted = KLOG_ONE_LINE.matcher(rest);
                if (quoted.find()) {
                    out.add(quoted.group(1).replace("\\\"", "\"").replace("\\\\", "\\"));
                } else {
                    inBlock = rest.endsWith("err=<");
                }
                continue;
            }
            if (inBlock && line.equals(">")) {
                inBlock = false;
                continue;
            }
            String kept = line.startsWith("Error: ") ? line.substring(7) : line;
            if (!kept.isEmpty()) {
                out.add(kept.replace("map[string]interface {}(nil): ", ""));
            }
        }
        return String.join("; ", out);
    }

    /** Kustomize repeats the same cause as it unwinds ("X: ...: X"); keep the first of equal clauses. */
    private static String sayEachClauseOnce(String text) {
        Set<String> seen = new LinkedHashSet<>();
        List<String> kept = new ArrayList<>();
        for (String clause : text.split(": ")) {
            if (seen.add(clause.replace("'", "").strip())) {
                kept.add(clause);
            }
        }
        return String.join(": ", kept);
    }
}
