package io.alfred.gitops.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Every log record of the unit test run, written to the file named by the system property
 * {@code alfred.suite-log} (set by the surefire configuration), which {@code SecretsNeverLoggedIT}
 * searches for test secrets. Registered for every test class by ServiceLoader (Quarkus' JUnit
 * configuration turns on extension autodetection); it re-attaches itself before each test because
 * a Quarkus test application replaces the root logger's handlers when it starts. Without the
 * property (the failsafe run, an IDE) it does nothing.
 */
public final class SuiteLog implements BeforeAllCallback, BeforeEachCallback {
    private static final String FILE = System.getProperty("alfred.suite-log");
    private static final Handler HANDLER = FILE == null ? null : new FileHandler(Path.of(FILE));

    @Override
    public void beforeAll(ExtensionContext context) {
        attach();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        attach();
    }

    private static synchronized void attach() {
        if (HANDLER == null) {
            return;
        }
        Logger root = Logger.getLogger("");
        if (!Arrays.asList(root.getHandlers()).contains(HANDLER)) {
            root.addHandler(HANDLER);
        }
    }

    private static final class FileHandler extends Handler {
        private final Writer out;

        FileHandler(Path file) {
            setLevel(Level.ALL);
            try {
                Files.createDirectories(file.toAbsolutePath().getParent());
                out = Files.newBufferedWriter(
                        file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public synchronized void publish(LogRecord record) {
            try {
                out.write(record.getLevel() + " " + LogCapture.format(record) + "\n");
                out.flush();
            } catch (IOException | RuntimeException e) {
                // a log line that cannot be written is not a test failure
            }
        }

        @Override
        public synchronized void flush() {
            try {
                out.flush();
            } catch (IOException ignored) {
                // nothing to do
            }
        }

        @Override
        public void close() {
            flush();
        }
    }
}
