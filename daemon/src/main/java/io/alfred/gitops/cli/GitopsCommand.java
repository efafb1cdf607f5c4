package io.alfred.gitops.cli;

import io.quarkus.picocli.runtime.annotations.TopCommand;
import jakarta.inject.Inject;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** The command line of docs/reference.md: the daemon and its one-shot commands share one artifact. */
@TopCommand
@Command(
        name = "alfred-gitops",
        mixinStandardHelpOptions = true,
        version = "alfred-gitops 0.1.0",
        description = "Event-driven GitOps reconciler for Kubernetes. Without a command: run.",
        subcommands = {
            RunCommand.class,
            RenderCommand.class,
            DiffCommand.class,
            ReconcileCommand.class,
            StatusCommand.class,
            SuspendCommand.class,
            ResumeCommand.class,
            EventsCommand.class
        })
public class GitopsCommand implements Callable<Integer> {
    @Mixin
    CommonOptions options;

    @Inject
    RunCommand run;

    @Override
    public Integer call() {
        return run.runDaemon(options);
    }
}
