package io.alfred.gitops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

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
}
