package io.alfred.gitops.render;

import io.alfred.gitops.config.YamlLimits;
import io.alfred.gitops.support.OwnerOnlyFile;
import io.alfred.gitops.support.Sha256;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * The source YAML files that passed the strict, bounded parse ({@link SourceLimits}), remembered by
 * the digest of their text and the limits they passed under, so that a file a new commit did not
 * change is not parsed again. The parse only says yes or no, and says the same for the same text
 * under the same limits. Kept in a file beside Kustomize's outputs ({@link KustomizeOutputs}), one
 * digest a line, appended to and trimmed to the newest {@value #KEPT}; a file that cannot be read is
 * treated as empty, so the worst a damaged one costs is a parse.
 */
final class CheckedYaml {
    private static final Logger LOG = Logger.getLogger(CheckedYaml.class);
    static final int KEPT = 20_000;
    private static final String FORMAT = "alfred-gitops checked yaml 1";

    private final Path file;
    private Set<String> known;
    /** The file was there but not in this format: rewritten on the next save. */
    private boolean unreadable;

    private final List<String> added = new ArrayList<>();

    /** @param file where the digests are kept; null: remembered by this instance only */
    CheckedYaml(Path file) {
        this.file = file;
    }

    /** The key of {@code text} parsed under {@code limits}. */
    static String digest(String text, YamlLimits limits) {
        return Sha256.hex(FORMAT + "\n" + limits + "\n" + text);
    }

    synchronized boolean passed(String digest) {
        return known().contains(digest);
    }

    synchronized void pass(String digest) {
        if (known().add(digest)) {
            added.add(digest);
        }
    }

    /** Appends what passed since the last save (written whole or not at all as far as readers care). */
    synchronized void save() {
        if (file == null || added.isEmpty()) {
            return;
        }
        try {
            Files.createDirectories(file.getParent());
            known();
            if (unreadable) {
                Files.deleteIfExists(file);
                unreadable = false;
            }
            if (!Files.exists(file)) {
                OwnerOnlyFile.replace(file, (FORMAT + "\n").getBytes(StandardCharsets.UTF_8));
            }
            Files.writeString(file, String.join("\n", added) + "\n", StandardOpenOption.APPEND);
            added.clear();
            if (known.size() > KEPT) {
                trim();
            }
        } catch (IOException | RuntimeException e) {
            LOG.debugf("render: cannot keep the checked YAML digests in %s (%s)", file, e.toString());
        }
    }

    private Set<String> known() {
        if (known == null) {
            known = new HashSet<>(read());
        }
        return known;
    }

    private List<String> read() {
        if (file == null || !Files.isRegularFile(file)) {
            return List.of();
        }
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            if (lines.isEmpty() || !lines.get(0).equals(FORMAT)) {
                unreadable = true;
                return List.of();
            }
            return lines.subList(1, lines.size()).stream()
                    .filter(l -> l.length() == 64)
                    .toList();
        } catch (IOException | RuntimeException e) {
            LOG.debugf("render: checked YAML digests %s unreadable (%s); parsing again", file, e.toString());
            unreadable = true;
            return List.of();
        }
    }

    /** Keeps the newest half, the file rewritten whole. */
    private void trim() throws IOException {
        List<String> all = read();
        List<String> newest = all.subList(Math.max(0, all.size() - KEPT / 2), all.size());
        OwnerOnlyFile.replace(
                file, (FORMAT + "\n" + String.join("\n", newest) + "\n").getBytes(StandardCharsets.UTF_8));
        known = new HashSet<>(newest);
    }
}
