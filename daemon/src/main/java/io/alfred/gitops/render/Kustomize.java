package io.alfred.gitops.render;

import io.alfred.gitops.config.Durations;
import io.alfred.gitops.config.RenderLimits;
import io.alfred.gitops.config.Sizes;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Runs the real Kustomize: {@code kustomize build} when a kustomize binary is configured or on
 * PATH, else {@code kubectl kustomize}. Root-only load restrictor; exec and Helm plugins stay off
 * (Kustomize's defaults, never enabled here); a hard timeout kills the process tree. Where
 * util-linux's {@code prlimit} is on PATH (the container image has it), Kustomize also runs with
 * its own data-segment and CPU-time limits ({@code gitops.render.limits.kustomize-memory},
 * {@code -cpu}), so that an input that makes it allocate without bound fails the render instead of
 * the pod.
 */
public final class Kustomize {
    private static final Logger LOG = Logger.getLogger(Kustomize.class);
    private static final AtomicBoolean WARNED_NO_LIMITER = new AtomicBoolean();
    private static final int SIGKILL = 9;
    private static final int SIGXCPU = 24;
    /** Kustomize's flag for its final re-sort, as its messages name it. */
    private static final String REORDER = "--reorder";
    /**
     * Kustomize's final re-sort (its legacy kind order, then by name) is left out: the render is put
     * in apply order afterwards ({@link ApplyOrder}), and the objects of one phase are applied
     * concurrently. At 1,000 objects the re-sort is a fifth of Kustomize's time. A kustomization's
     * own {@code sortOptions} still decides (Kustomize prefers it to the flag), so within a phase the
     * render keeps the order the kustomization asks for, else the order the files list. The flag is
     * deprecated in Kustomize 5: a Kustomize that no longer knows it runs without it.
     */
    static final String NO_REORDER = REORDER + "=none";

    private final List<String> command;
    private final Duration timeout;
    private final RenderLimits limits;
    private final List<String> limiter;
    /** Set once this Kustomize said it does not know {@link #NO_REORDER}. */
    private final AtomicBoolean reorderUnknown = new AtomicBoolean();

    public Kustomize(String setting, Duration timeout, RenderLimits limits) {
        this.command = commandFor(setting);
        this.timeout = timeout;
        this.limits = limits;
        this.limiter = onPath("prlimit")
                ? List.of(
                        "prlimit",
                        "--data=" + limits.kustomizeMemory(),
                        "--cpu=" + Math.max(1, limits.kustomizeCpu().toSeconds()),
                        "--")
                : List.of();
        if (limiter.isEmpty() && !WARNED_NO_LIMITER.getAndSet(true)) {
            LOG.warn("render: prlimit (util-linux) is not on PATH: Kustomize runs without its own memory and CPU limits"
                    + " (gitops.render.limits.kustomize-*), bounded only by "
                    + "gitops.render.timeout and the source checks");
        }
    }

    /**
     * Go ignores SIGXCPU, so past its CPU limit Kustomize is killed (SIGKILL) at the hard limit; a
     * SIGKILL that comes sooner than every core could have spent the limit is someone else's (the
     * kernel's out-of-memory killer).
     */
    private static boolean ranLongEnoughToSpend(Duration cpu, Duration wall) {
        return wall.multipliedBy(Runtime.getRuntime().availableProcessors()).compareTo(cpu) >= 0;
    }

    /** The command a build runs, without the directory argument. */
    public List<String> command() {
        return command;
    }

    static List<String> commandFor(String setting) {
        String binary = setting;
        if (setting == null || setting.isBlank() || setting.equals("auto")) {
            binary = onPath("kustomize") ? "kustomize" : "kubectl";
        }
        String name = Path.of(binary).getFileName().toString();
        List<String> cmd = new ArrayList<>();
        cmd.add(binary);
        cmd.add(name.startsWith("kubectl") ? "kustomize" : "build");
        cmd.add("--load-restrictor=LoadRestrictionsRootOnly");
        cmd.add(NO_REORDER);
        return List.copyOf(cmd);
    }

    /**
     * The binary a command runs, as the cache of its outputs knows it: its real path, size and
     * modification time; empty when it is neither a file nor found on PATH.
     */
    static Optional<String> identify(String binary) {
        Optional<Path> file = binary.contains(File.separator) ? Optional.of(Path.of(binary)) : findOnPath(binary);
        try {
            if (file.isEmpty()) {
                return Optional.empty();
            }
            Path real = file.get().toRealPath();
            return Optional.of(real + " " + Files.size(real) + " "
                    + Files.getLastModifiedTime(real).toMillis());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static boolean onPath(String executable) {
        return findOnPath(executable).isPresent();
    }

    /** The first executable file of that name in a directory of PATH. */
    private static Optional<Path> findOnPath(String executable) {
        return Optional.ofNullable(System.getenv("PATH")).stream()
                .flatMap(path -> Arrays.stream(path.split(File.pathSeparator)))
                .filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, executable))
                .filter(Files::isExecutable)
                .findFirst();
    }

    /**
     * Output of the build, or an exception carrying Kustomize's own error message.
     *
     * @param root the checkout's root: paths in the error are written relative to it
     */
    public Output build(Path root, Path dir, String displayPath) {
        try {
            return build(root, dir, displayPath, !reorderUnknown.get());
        } catch (UnknownReorderFlag e) {
            reorderUnknown.set(true);
            return build(root, dir, displayPath, false);
        }
    }

    private Output build(Path root, Path dir, String displayPath, boolean noReorder) {
        List<String> cmd = new ArrayList<>(limiter);
        command.stream().filter(arg -> noReorder || !arg.equals(NO_REORDER)).forEach(cmd::add);
        cmd.add(dir.toString());
        Path stdout = null;
        Path stderr = null;
        try {
            stdout = Files.createTempFile("kustomize-", ".out");
            stderr = Files.createTempFile("kustomize-", ".err");
            long started = System.nanoTime();
            ProcessBuilder pb =
                    new ProcessBuilder(cmd).redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
            pb.environment().keySet().removeIf(k -> !k.equals("PATH") && !k.equals("HOME") && !k.equals("TMPDIR"));
            Process process;
            try {
                process = pb.start();
            } catch (IOException e) {
                throw new RenderException(
                        displayPath,
                        "cannot run " + String.join(" ", command) + " (gitops.render.kustomize): " + e.getMessage());
            }
            boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
                throw new RenderException(
                        displayPath,
                        "kustomize did not finish within " + Durations.format(timeout)
                                + " (gitops.render.timeout) and was killed");
            }
            String err = Files.readString(stderr, StandardCharsets.UTF_8);
            List<String> warnings = new ArrayList<>();
            List<String> errors = new ArrayList<>();
            for (String line : err.split("\n")) {
                if (line.isBlank() || aboutReorderFlag(line)) {
                    continue;
                }
                (line.startsWith("# Warning:") || line.startsWith("Warning:") ? warnings : errors).add(line.trim());
            }
            if (process.exitValue() != 0 && noReorder && err.contains("unknown flag: " + REORDER)) {
                throw new UnknownReorderFlag();
            }
            if (process.exitValue() != 0) {
                if (err.contains("fatal error:")
                        && (err.contains("out of memory") || err.contains("cannot allocate memory"))) {
                    throw new RenderException(
                            displayPath,
                            "kustomize ran out of memory: it may use " + Sizes.format(limits.kustomizeMemory())
                                    + " (gitops.render.limits.kustomize-memory)");
                }
                if (process.exitValue() == 128 + SIGXCPU
                        || process.exitValue() == 128 + SIGKILL
                                && !limiter.isEmpty()
                                && ranLongEnoughToSpend(
                                        limits.kustomizeCpu(), Duration.ofNanos(System.nanoTime() - started))) {
                    throw new RenderException(
                            displayPath,
                            "kustomize used more than " + Durations.format(limits.kustomizeCpu())
                                    + " of CPU time (gitops.render.limits.kustomize-cpu)");
                }
                throw new RenderException(
                        displayPath, "kustomize failed: " + KustomizeErrors.message(errors, process.exitValue(), root));
            }
            return new Output(Files.readString(stdout, StandardCharsets.UTF_8), warnings);
        } catch (IOException e) {
            throw new RenderException(displayPath, "kustomize I/O failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RenderException(displayPath, "interrupted while kustomize was running");
        } finally {
            deleteQuietly(stdout);
            deleteQuietly(stderr);
        }
    }

    /** What Kustomize says of {@link #NO_REORDER} itself: that it is deprecated, or that sortOptions wins. */
    static boolean aboutReorderFlag(String line) {
        return line.startsWith("Flag " + REORDER + " has been deprecated")
                || line.contains("in a CLI flag ('" + REORDER + "')");
    }

    private static final class UnknownReorderFlag extends RuntimeException {
        UnknownReorderFlag() {
            super("kustomize does not know " + NO_REORDER, null, false, false);
        }
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // a temp file; the OS cleans up
            }
        }
    }

    public record Output(String yaml, List<String> warnings) {}
}
