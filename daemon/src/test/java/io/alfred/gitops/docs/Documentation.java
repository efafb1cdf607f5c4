package io.alfred.gitops.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The README and every file of {@code docs/}, as one text, for the tests that check them against the code. */
final class Documentation {
    private Documentation() {}

    static String all() {
        try (Stream<Path> docs = Files.list(Path.of("docs"))) {
            StringBuilder text = new StringBuilder(Files.readString(Path.of("README.md")));
            for (Path doc :
                    docs.filter(p -> p.toString().endsWith(".md")).sorted().collect(Collectors.toList())) {
                text.append("\n\n").append(Files.readString(doc));
            }
            return text.toString();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the documentation", e);
        }
    }
}
