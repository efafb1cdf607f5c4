package io.alfred.gitops;

import io.quarkus.picocli.runtime.PicocliRunner;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.util.Set;

/**
 * Entry point. One-shot commands (render, diff, reconcile, events) do not serve HTTP, so they
 * never fight a running daemon for its port, and keep Quarkus' start-up lines out of their output.
 * The decision has to be made before Quarkus reads its runtime configuration, hence here rather
 * than in the command.
 */
@QuarkusMain
public final class Main {
    private static final Set<String> ONE_SHOT = Set.of("render", "diff", "reconcile", "events");

    private Main() {
    }

    public static void main(String... args) {
        if (isOneShot(args)) {
            setIfAbsent("quarkus.http.host-enabled", "false");
            // a command's output is its result; Quarkus' start-up lines are daemon logs
            setIfAbsent("quarkus.log.category.\"io.quarkus\".level", "WARN");
        }
        Quarkus.run(PicocliRunner.class, args);
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    static boolean isOneShot(String... args) {
        for (String arg : args) {
            if (!arg.startsWith("-")) {
                return ONE_SHOT.contains(arg);
            }
            if (arg.equals("--help") || arg.equals("-h") || arg.equals("--version") || arg.equals("-V")) {
                return true;
            }
        }
        return false;
    }
}
