package io.alfred.gitops.support;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A file readable by its owner only (what is kept beside the checkout may hold what git holds),
 * written whole: the content goes to a temporary file beside it, moved into place, so that a
 * reader meets the old file or the new one, never half of one.
 */
public final class OwnerOnlyFile {
    private OwnerOnlyFile() {}

    public static void replace(Path file, byte[] content) throws IOException {
        Path partial = Files.createTempFile(file.getParent(), file.getFileName() + "-", ".partial");
        try {
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                Files.setPosixFilePermissions(partial, PosixFilePermissions.fromString("rw-------"));
            }
            Files.write(partial, content);
            try {
                Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(partial);
        }
    }
}
