package io.alfred.gitops.render;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** The files of a source tree the render tests write, and the stand-ins for Kustomize they run. */
final class SourceFiles {
    private SourceFiles() {}

    /** A ConfigMap named {@code name} in the Namespace {@code apps}, with one key. */
    static String configMap(String name) {
        return """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: %s
                  namespace: apps
                data:
                  key: value
                """.formatted(name);
    }

    /** Writes {@code content} to {@code path} under {@code root}, making its directories. */
    static Path write(Path root, String path, String content) throws IOException {
        Path file = root.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        return file;
    }

    /** A shell script at {@code path} under {@code root} that its owner may run: a Kustomize of the test's. */
    static Path script(Path root, String path, String script) throws IOException {
        Path file = write(root, path, script);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        return file;
    }
}
