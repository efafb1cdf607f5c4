package io.alfred.gitops.render;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.alfred.gitops.Revision;
import io.alfred.gitops.support.OwnerOnlyFile;
import io.alfred.gitops.support.Sha256;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * What Kustomize printed for one path of one commit, kept on disk beside the source's mirror, so
 * that a later command, or the daemon after a restart, does not run Kustomize again for a render
 * it made before. A render is a function of the commit's tree (remote bases are refused), the path
 * and the Kustomize binary (its file, size and modification time), and those make the key: a new
 * commit, another path or another Kustomize never meets an old entry. The source checks run on
 * every render all the same; only the Kustomize process is saved (and the parse of a source YAML
 * file that passed before, {@link CheckedYaml}). Entries are written whole (a
 * temporary file moved into place), readable by their owner only (a render holds the Secrets git
 * holds, as the checkout beside it does), and the newest {@value #KEPT} are kept. An entry that
 * cannot be read is rendered again.
 */
public final class KustomizeOutputs {
    private static final Logger LOG = Logger.getLogger(KustomizeOutputs.class);
    static final int KEPT = 4;
    private static final String FORMAT = "alfred-gitops kustomize output 1";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** No entries kept: a working tree (it changes under the same name), and tests. */
    public static final KustomizeOutputs NONE = new KustomizeOutputs(null);

    private final Path dir;

    private KustomizeOutputs(Path dir) {
        this.dir = dir;
    }

    /** Entries in {@code dir} (created when the first is written). */
    public static KustomizeOutputs in(Path dir) {
        return new KustomizeOutputs(dir);
    }

    /**
     * The source YAML files that passed the strict parse before, kept beside the outputs (for
     * {@link #NONE}: by the renderer that asks, for its lifetime).
     */
    CheckedYaml checkedYaml() {
        return new CheckedYaml(dir == null ? null : dir.resolve("checked-yaml"));
    }

    /**
     * What Kustomize printed for this commit, path and command when it was kept, else what
     * {@code build} prints, kept for the next time (when the Kustomize binary can be identified).
     */
    Kustomize.Output keptOr(Revision revision, String path, List<String> command, Supplier<Kustomize.Output> build) {
        if (dir == null) {
            return build.get();
        }
        Optional<Path> file = Kustomize.identify(command.get(0))
                .map(binary -> dir.resolve(
                        Sha256.hex(String.join("\n", FORMAT, revision.sha(), path, String.join(" ", command), binary))
                                + ".json"));
        Optional<Kustomize.Output> kept = file.flatMap(KustomizeOutputs::read);
        if (kept.isPresent()) {
            return kept.get();
        }
        Kustomize.Output built = build.get();
        file.ifPresent(f -> write(f, built));
        return built;
    }

    private static Optional<Kustomize.Output> read(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            ObjectNode entry = (ObjectNode) JSON.readTree(file.toFile());
            if (!FORMAT.equals(entry.path("format").asText())) {
                return Optional.empty();
            }
            List<String> warnings = new ArrayList<>();
            entry.path("warnings").forEach(w -> warnings.add(w.asText()));
            return Optional.of(new Kustomize.Output(entry.path("yaml").asText(), List.copyOf(warnings)));
        } catch (IOException | RuntimeException e) {
            LOG.debugf("render: kept Kustomize output %s unreadable (%s); rendering again", file, e.toString());
            return Optional.empty();
        }
    }

    private void write(Path file, Kustomize.Output output) {
        try {
            Files.createDirectories(dir);
            ObjectNode entry = JSON.createObjectNode().put("format", FORMAT).put("yaml", output.yaml());
            output.warnings().forEach(entry.putArray("warnings")::add);
            OwnerOnlyFile.replace(file, JSON.writeValueAsBytes(entry));
            keepNewest();
        } catch (IOException | RuntimeException e) {
            LOG.debugf("render: cannot keep the Kustomize output in %s (%s)", dir, e.toString());
        }
    }

    private void keepNewest() throws IOException {
        List<Path> entries;
        try (Stream<Path> files = Files.list(dir)) {
            entries = files.filter(f -> f.getFileName().toString().endsWith(".json"))
                    .sorted(Comparator.comparing(KustomizeOutputs::modified).reversed())
                    .toList();
        }
        for (Path old : entries.subList(Math.min(KEPT, entries.size()), entries.size())) {
            Files.deleteIfExists(old);
        }
    }

    private static long modified(Path file) {
        try {
            return Files.getLastModifiedTime(file).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }
}
