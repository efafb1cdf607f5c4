package io.alfred.gitops.cli;

import io.alfred.gitops.Stage;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Where a command's seconds went: the start of the process (the JVM and the application) up to the
 * command, then each stage it ran. Stages that overlap (the connection check runs while git fetches
 * and Kustomize renders) each count their own time, so the wall time is printed beside them.
 * {@code -v} prints it as one line on standard error:
 * {@code # seconds: start 0.82, cluster 0.41, fetch 0.20, render 0.61, plan 1.30; wall 2.95}.
 */
final class CommandTimings {
    private final Instant commandStart = Instant.now();
    private final Map<Stage, Duration> stages = new EnumMap<>(Stage.class);

    /** Runs {@code work}, charging its time to {@code stage} (added to what the stage had). */
    <T> T time(Stage stage, Supplier<T> work) {
        long t0 = System.nanoTime();
        try {
            return work.get();
        } finally {
            add(stage, Duration.ofNanos(System.nanoTime() - t0));
        }
    }

    synchronized void add(Stage stage, Duration duration) {
        stages.merge(stage, duration, Duration::plus);
    }

    /** Adds a cycle's own stage times (plan, gate, apply, wait, prune). */
    void addAll(Map<Stage, Duration> cycle) {
        cycle.forEach(this::add);
    }

    /** The JVM's start up to the command: the JVM and the application. */
    Duration start() {
        return Duration.between(jvmStart(), commandStart);
    }

    /** Read only when printed: the management classes cost a command that does not print. */
    private static Instant jvmStart() {
        return Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime());
    }

    /** {@code # seconds: start 0.82, cluster 0.41, fetch 0.20, render 0.61; wall 2.95}. */
    synchronized String line() {
        StringBuilder line = new StringBuilder("# seconds: ");
        line.append("start ").append(seconds(start())).append(", ");
        line.append(stages.entrySet().stream()
                .map(e -> e.getKey().label() + " " + seconds(e.getValue()))
                .collect(Collectors.joining(", ")));
        return line.append("; wall ")
                .append(seconds(Duration.between(jvmStart(), Instant.now())))
                .toString();
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.2f", d.toNanos() / 1e9);
    }
}
