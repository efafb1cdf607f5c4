package io.alfred.gitops.cli;

import io.alfred.gitops.config.StandaloneConfig;
import io.quarkus.bootstrap.logging.QuarkusDelayedHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logmanager.Level;
import org.jboss.logmanager.formatters.JsonFormatter;
import org.jboss.logmanager.formatters.PatternFormatter;
import org.jboss.logmanager.handlers.ConsoleHandler;

/**
 * The log of a command that runs without the application ({@link EarlyAnswer}), set up from the keys
 * Quarkus would read for a one-shot command: on standard error, at {@code quarkus.log.level} (WARN,
 * with {@code -v} INFO), each {@code quarkus.log.category."NAME".level}, in
 * {@code quarkus.log.console.format}, or one JSON object per line when
 * {@code quarkus.log.console.json.enabled} ({@code GITOPS_LOG_JSON}) is true. A log that has a
 * handler already is left as it is.
 */
final class ConsoleLog {
    private static final Pattern CATEGORY = Pattern.compile("quarkus\\.log\\.category\\.\"?([^\"]+)\"?\\.level");

    private ConsoleLog() {}

    static void install(StandaloneConfig config, boolean verbose) {
        boolean json = config.value("quarkus.log.console.json.enabled")
                .map(Boolean::parseBoolean)
                .orElse(false);
        Formatter formatter =
                json ? new JsonFormatter() : new PatternFormatter(config.required("quarkus.log.console.format"));
        Logger root = Logger.getLogger("");
        ConsoleHandler console = new ConsoleHandler(ConsoleHandler.Target.SYSTEM_ERR, formatter);
        Handler[] handlers = root.getHandlers();
        if (handlers.length == 0) {
            root.addHandler(console);
        } else if (handlers.length == 1
                && handlers[0] instanceof QuarkusDelayedHandler delayed
                && !delayed.isActivated()) {
            // the placeholder Quarkus' launcher installs, which holds records until the application
            // sets its handlers up: here nothing will. What it held (the logging and configuration
            // libraries' start-up, at DEBUG) is let go, and ours takes what comes.
            delayed.setHandlers(new Handler[0]);
            root.addHandler(console);
        } else {
            return; // set up already, by an application in this JVM (a test's)
        }
        root.setLevel(Level.parse(config.value("quarkus.log.level").orElse(verbose ? "INFO" : "WARN")));
        for (String key : config.names()) {
            Matcher category = CATEGORY.matcher(key);
            if (category.matches()) {
                config.value(key)
                        .ifPresent(level -> Logger.getLogger(category.group(1)).setLevel(Level.parse(level)));
            }
        }
    }
}
