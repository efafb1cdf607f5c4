package io.alfred.gitops.cli;

import io.alfred.gitops.Main;
import io.alfred.gitops.cluster.ClusterFailure;
import io.quarkus.picocli.runtime.PicocliCommandLineFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import picocli.CommandLine;

/**
 * The command line with one handler for what no command caught: one line naming the failure,
 * exit 2, the stack trace only with {@code -v}. (picocli's default prints the trace and exits 1,
 * which for {@code diff} means "there are changes".)
 */
@ApplicationScoped
class CommandLineSetup {
    @Produces
    CommandLine commandLine(PicocliCommandLineFactory factory) {
        return factory.create().setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            String what =
                    ClusterFailure.of(e).map(f -> "cluster: " + f.reason()).orElse("unexpected error: " + e);
            commandLine
                    .getErr()
                    .println("alfred-gitops: " + commandLine.getCommandName() + ": " + what
                            + (Main.verbose() ? "" : " (run with -v for details)"));
            if (Main.verbose()) {
                e.printStackTrace(commandLine.getErr());
            }
            commandLine.getErr().flush();
            return ExitCodes.ERROR;
        });
    }
}
