package io.alfred.gitops.testing;

import java.text.MessageFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Collects every log record (formatted, with its exception) while installed, for tests that read the log. */
public final class LogCapture extends Handler implements AutoCloseable {
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Logger root = Logger.getLogger("");
    private final Logger ours = Logger.getLogger("io.alfred");
    private final Level previous;

    private LogCapture() {
        setLevel(Level.ALL);
        previous = ours.getLevel();
        ours.setLevel(Level.FINEST);
        root.addHandler(this);
    }

    public static LogCapture install() {
        return new LogCapture();
    }

    @Override
    public void publish(LogRecord record) {
        lines.add(format(record));
    }

    /** {@code logger message | exception | cause ...}, the message with its parameters filled in. */
    static String format(LogRecord record) {
        String message = record.getMessage();
        try {
            if (record.getParameters() != null && message != null) {
                message = message.contains("%")
                        ? String.format(message, record.getParameters())
                        : MessageFormat.format(message, record.getParameters());
            }
        } catch (RuntimeException e) {
            // keep the raw message
        }
        StringBuilder sb = new StringBuilder(record.getLoggerName() + " " + message);
        for (Throwable t = record.getThrown(); t != null; t = t.getCause()) {
            sb.append(" | ").append(t);
        }
        return sb.toString();
    }

    public List<String> lines() {
        return List.copyOf(lines);
    }

    public String all() {
        return String.join("\n", lines);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {
        root.removeHandler(this);
        ours.setLevel(previous);
    }
}
