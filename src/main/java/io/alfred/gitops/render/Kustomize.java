package io.alfred.gitops.render;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real Kustomize: {@code kustomize build} when a kustomize binary is configured or on
 * PATH, else {@code kubectl kustomize}. Root-only load restrictor; exec and Helm plugins stay off
 * (Kustomize's defaults, never enabled here); a hard timeout kills the process tree.
 */
public final class Kustomize {
    private final List<String> command;
    private final Duration timeout;

    public Kustomize(String setting, Duration timeout) {
        this.command = commandFor(setting);
        this.timeout = timeout;
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
        return List.copyOf(cmd);
    }

    private static boolean onPath(String executable) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, executable))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Output of the build, or an exception carrying Kustomize's own error message.
     *
     * @param root the checkout's root: paths in the error are written relative to it
     */
    public Output build(Path root, Path dir, String displayPath) {
        List<String> cmd = new ArrayList<>(command);
        cmd.add(dir.toString());
        Path stdout = null;
        Path stderr = null;
        try {
            stdout = Files.createTempFile("kustomize-", ".out");
            stderr = Files.createTempFile("kustomize-", ".err");
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
            pb.environment().keySet().removeIf(k -> !k.equals("PATH") && !k.equals("HOME") && !k.equals("TMPDIR"));
            Process process;
            try {
                process = pb.start();
            } catch (IOException e) {
                throw new RenderException(displayPath, "cannot run " + String.join(" ", command)
                        + " (gitops.render.kustomize): " + e.getMessage());
            }
            boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
                throw new RenderException(displayPath, "kustomize did not finish within " + timeout
                        + " (gitops.render.timeout) and was killed");
            }
            String err = Files.readString(stderr, StandardCharsets.UTF_8);
            List<String> warnings = new ArrayList<>();
            List<String> errors = new ArrayList<>();
            for (String line : err.split("\n")) {
                if (line.isBlank()) {
                    continue;
                }
                (line.startsWith("# Warning:") || line.startsWith("Warning:") ? warnings : errors).add(line.trim());
            }
            if (process.exitValue() != 0) {
                throw new RenderException(displayPath, "kustomize failed: "
                        + KustomizeErrors.message(errors, process.exitValue(), root));
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

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // a temp file; the OS cleans up
            }
        }
    }

    public record Output(String yaml, List<String> warnings) {
    }
}
