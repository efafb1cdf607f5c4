package io.alfred.gitops;

import io.alfred.gitops.cli.EarlyAnswer;
import io.alfred.gitops.cluster.ClusterConnection;
import io.quarkus.picocli.runtime.PicocliRunner;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Entry point. Decisions that must be made before Quarkus reads its runtime configuration are made
 * here, from the command line:
 * <ul>
 * <li>help, the version, a command line that does not parse, {@code render}, and {@code diff} and
 * {@code reconcile --once} on a kubeconfig's cluster run without starting the application
 * ({@link EarlyAnswer});</li>
 * <li>one-shot commands (render, diff, reconcile, events) do not serve HTTP, so they never fight a
 * running daemon for its port;</li>
 * <li>a one-shot command's result is its standard output: its standard error carries warnings and
 * errors only, unless {@code -v} asks for the daemon's INFO lines (and stack traces);</li>
 * <li>no colour codes unless a person is looking at a terminal;</li>
 * <li>an exception nothing caught is logged through the log manager (one JSON line in JSON mode)
 * instead of printed by the JVM.</li>
 * </ul>
 */
@QuarkusMain
public final class Main {
    private static final Set<String> ONE_SHOT =
            Set.of("render", "diff", "reconcile", "status", "suspend", "resume", "events");
    /** Set when {@code -v} is given; commands print stack traces then. */
    public static final String VERBOSE_PROPERTY = "alfred.verbose";
    /** Set by a JVM that runs the application inside it (the tests'): nothing may exit it. */
    static final String IN_PROCESS_PROPERTY = "alfred.in-process";

    private Main() {}

    public static void main(String... args) {
        boolean verbose = isVerbose(args);
        if (verbose) {
            System.setProperty(VERBOSE_PROPERTY, "true");
        }
        // a @QuarkusMainTest runs this inside the tests' JVM, which an exit would end: there the
        // application answers (the same answers, after its start-up). The launch mode says NORMAL
        // there too, until the application has started: the tests' JVM says so by a property.
        if (LaunchMode.current() == LaunchMode.NORMAL && !Boolean.getBoolean(IN_PROCESS_PROPERTY)) {
            if (reachesKubeconfigCluster(args)) {
                ClusterConnection.readKubeconfigAhead();
            }
            OptionalInt early = EarlyAnswer.answer(
                    args,
                    new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8)),
                    new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8)));
            if (early.isPresent()) {
                System.exit(early.getAsInt());
            }
        }
        if (isOneShot(args)) {
            setIfAbsent("quarkus.http.host-enabled", "false");
            setIfAbsent("quarkus.log.level", verbose ? "INFO" : "WARN");
        } else if (verbose) {
            setIfAbsent("quarkus.log.category.\"io.alfred\".level", "DEBUG");
        }
        if (System.console() == null) {
            setIfAbsent("quarkus.console.color", "false");
        }
        Thread.setDefaultUncaughtExceptionHandler((thread, e) -> {
            Logger log = Logger.getLogger(Main.class);
            log.errorf("uncaught %s in thread %s (run with -v for the stack trace)", e, thread.getName());
            log.debug("uncaught exception", e);
        });
        Quarkus.run(PicocliRunner.class, args);
    }

    public static boolean verbose() {
        return Boolean.getBoolean(VERBOSE_PROPERTY);
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    static boolean isVerbose(String... args) {
        for (String arg : args) {
            if (arg.equals("-v") || arg.equals("--verbose")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the command line names {@code diff} or {@code reconcile} on a kubeconfig's cluster:
     * they read the kubeconfig while picocli reads the command line (reaching the cluster is their
     * longest step). A guess that is wrong only reads a file for nothing.
     */
    static boolean reachesKubeconfigCluster(String... args) {
        String command = null;
        for (String arg : args) {
            switch (arg) {
                case "--sandbox", "-h", "--help", "-V", "--version" -> {
                    return false;
                }
                default -> {
                    if (command == null && !arg.startsWith("-")) {
                        command = arg;
                    }
                }
            }
        }
        return "diff".equals(command) || "reconcile".equals(command);
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
