package io.alfred.gitops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/** What the command line answers before the application starts, and what it leaves to the application. */
class EarlyAnswerTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private OptionalInt answer(String... args) {
        return EarlyAnswer.answer(args, new PrintWriter(out), new PrintWriter(err));
    }

    @Test
    void helpAndVersionAreAnsweredOnStandardOutput() {
        assertThat(answer("--help")).hasValue(ExitCodes.OK);
        assertThat(out.toString()).startsWith("Usage: alfred-gitops").contains("reconcile", "diff", "render");
        assertThat(err.toString()).isEmpty();

        out.getBuffer().setLength(0);
        assertThat(answer("render", "-h")).hasValue(ExitCodes.OK);
        assertThat(out.toString()).startsWith("Usage: alfred-gitops render");

        out.getBuffer().setLength(0);
        assertThat(answer("--version")).hasValue(ExitCodes.OK);
        assertThat(out.toString()).isEqualTo("alfred-gitops 0.1.0\n");
    }

    @Test
    void aMistypedCommandIsOneLineWithTheNearestCommands() {
        assertThat(answer("reconsile", "--once")).hasValue(ExitCodes.ERROR);
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString())
                .isEqualTo("alfred-gitops: unknown command 'reconsile' (did you mean reconcile or resume?);"
                        + " alfred-gitops --help lists the commands\n");
    }

    @Test
    void anUnknownOptionNamesTheCommandWhoseHelpListsTheOptions() {
        assertThat(answer("diff", "--sandbx")).hasValue(ExitCodes.ERROR);
        assertThat(err.toString())
                .startsWith("alfred-gitops: unknown option '--sandbx'")
                .endsWith("; alfred-gitops diff --help lists the options\n")
                .doesNotContain("\n\n");
    }

    @Test
    void aMissingOptionValueIsOneLine() {
        assertThat(answer("render", "--env")).hasValue(ExitCodes.ERROR);
        assertThat(err.toString())
                .isEqualTo("alfred-gitops: --env needs a value; alfred-gitops render --help shows the usage\n");
    }

    @Test
    void aMissingRequiredOptionIsOneLine() {
        assertThat(answer("events", "--fleet")).hasValue(ExitCodes.ERROR);
        assertThat(err.toString())
                .isEqualTo("alfred-gitops: events needs --subscription; alfred-gitops events --help shows the usage\n");
    }

    @Test
    void aCommandLineThatParsesIsLeftToTheApplication() {
        assertThat(answer()).isEmpty();
        assertThat(answer("reconcile", "--once", "--sandbox", "--env", "dev")).isEmpty();
        assertThat(answer("events", "--fleet", "--subscription", "audit")).isEmpty();
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString()).isEmpty();
    }

    /**
     * The command line built for an answer (only the commands named in full) reads and prints as
     * the application's, built from every annotation: the same usage, help, version and errors.
     */
    @Test
    void theLeanCommandLineAnswersAsTheFullOne() {
        List<List<String>> lines = new ArrayList<>(List.of(
                List.of("--help"),
                List.of("-h"),
                List.of("--version"),
                List.of("reconsile", "--once"),
                List.of("rendr"),
                List.of("--bogus"),
                List.of("--repo"),
                List.of("diff", "--sandbx"),
                List.of("render", "--env"),
                List.of("events", "--fleet"),
                List.of("--path", "render", "diff", "--help")));
        for (Class<?> command : GitopsCommand.class.getAnnotation(Command.class).subcommands()) {
            lines.add(List.of(command.getAnnotation(Command.class).name(), "--help"));
        }
        for (List<String> args : lines) {
            assertThat(printed(EarlyAnswer.commandLine(args.toArray(String[]::new)), args))
                    .as("alfred-gitops %s", String.join(" ", args))
                    .isEqualTo(printed(new CommandLine(GitopsCommand.class), args));
        }
    }

    /** What {@code line} prints for {@code args}: its help, its version, or its parse error. */
    private static String printed(CommandLine line, List<String> args) {
        StringWriter text = new StringWriter();
        line.setOut(new PrintWriter(text, true));
        try {
            ParseResult parsed = line.parseArgs(args.toArray(String[]::new));
            for (ParseResult p = parsed; p != null; p = p.subcommand()) {
                if (p.isUsageHelpRequested()) {
                    p.commandSpec().commandLine().usage(new PrintWriter(text, true));
                } else if (p.isVersionHelpRequested()) {
                    p.commandSpec().commandLine().printVersionHelp(new PrintWriter(text, true));
                }
            }
            text.append("parsed: ")
                    .append(parsed.asCommandLineList().stream()
                            .map(CommandLine::getCommandName)
                            .toList()
                            .toString());
        } catch (ParameterException e) {
            text.append(EarlyAnswer.oneLine(e));
        }
        return text.toString();
    }
}
