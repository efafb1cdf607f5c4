package io.alfred.gitops.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.alfred.gitops.testing.DaemonProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command in the documentation's shell blocks (README and docs/) that runs offline (on the sandbox, or on a local
 * directory) is run as written, against the packaged build: it must exit as the README says.
 */
class ReadmeCommandsIT {
    @TempDir
    Path tmp;

    static List<String> offlineCommands() throws Exception {
        String readme = Documentation.all();
        List<String> commands = new ArrayList<>();
        Matcher blocks = Pattern.compile("```sh\n(.*?)```", Pattern.DOTALL).matcher(readme);
        while (blocks.find()) {
            for (String line : blocks.group(1).split("\n")) {
                int at = line.indexOf("bin/alfred-gitops ");
                if (at < 0 || line.trim().startsWith("#")) {
                    continue;
                }
                String command = line.substring(at).replaceAll("\\s+#.*$", "").trim();
                boolean daemon = command.startsWith("bin/alfred-gitops run"); // runs until stopped
                boolean offline = command.contains("--sandbox")
                        || command.contains("--local examples/")
                        || command.contains("--repo . ") && command.startsWith("bin/alfred-gitops render");
                if (offline && !daemon) {
                    commands.add(command);
                }
            }
        }
        return commands;
    }

    @Test
    void theReadmesOfflineCommandsRunAsWritten() throws Exception {
        assertThat(DaemonProcess.JAR).exists();
        List<String> commands = offlineCommands();
        assertThat(commands)
                .as("the two commands' first, and the offline previews")
                .hasSizeGreaterThanOrEqualTo(3)
                .anyMatch(c -> c.contains("reconcile --once --sandbox"));
        for (String command : commands) {
            Path out = tmp.resolve("out-" + System.nanoTime());
            Process p = new ProcessBuilder("bash", "-c", command)
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile())
                    .start();
            if (!p.waitFor(180, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new AssertionError("still running after 180 s: " + command);
            }
            String output = Files.readString(out);
            int expected = command.contains(" diff ") ? 1 : 0; // diff: 1 when something would change
            assertThat(p.exitValue()).as("%s%n%s", command, output).isEqualTo(expected);
            assertThat(output).as(command).doesNotContain("Exception").doesNotContain("\tat ");
            System.out.printf("ReadmeCommandsIT: exit %d: %s%n", p.exitValue(), command);
        }
    }
}
