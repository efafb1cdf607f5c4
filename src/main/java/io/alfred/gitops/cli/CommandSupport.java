package io.alfred.gitops.cli;

import io.alfred.gitops.Main;
import io.alfred.gitops.StageException;
import io.alfred.gitops.config.GitopsConfig;
import io.alfred.gitops.config.Settings;
import io.alfred.gitops.config.SettingsResolver;
import jakarta.inject.Inject;
import java.io.PrintWriter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** What every one-shot command shares: its output streams, the settings, and how an error is reported. */
abstract class CommandSupport {
    @Spec
    CommandSpec spec;

    @Inject
    GitopsConfig config;

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    Settings settings(CommonOptions options) {
        return SettingsResolver.resolve(config, options.overrides());
    }

    /** Prints {@code alfred-gitops: <stage>: <object>: <cause>} once and returns the exit code. */
    int fail(StageException e, int exitCode) {
        out().flush();
        err().println("alfred-gitops: " + e.getMessage());
        if (Main.verbose() && e.getCause() != null) {
            e.getCause().printStackTrace(err());
        }
        return exitCode;
    }
}
