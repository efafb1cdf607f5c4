package io.alfred.gitops.cli;

import io.alfred.gitops.StageException;
import io.alfred.gitops.cluster.ClusterConnection;
import io.alfred.gitops.config.GitopsConfig;
import io.alfred.gitops.config.Settings;
import io.alfred.gitops.config.SettingsResolver;
import io.alfred.gitops.reconcile.CycleResult;
import io.alfred.gitops.reconcile.Reconciler;
import io.alfred.gitops.reconcile.Revisions;
import io.alfred.gitops.render.RenderResult;
import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code reconcile --once}: one full cycle, then exit. */
@Command(name = "reconcile", mixinStandardHelpOptions = true,
        description = "One full cycle, then exit. Exit 0 success or no-op, 1 failed, 3 blocked by a safety gate, 2 error.")
public class ReconcileCommand implements Callable<Integer> {
    @Mixin
    CommonOptions options;

    @Option(names = "--once", required = true, description = "Run one cycle and exit (continuous reconciling is `run`).")
    boolean once;

    @Spec
    CommandSpec spec;

    @Inject
    GitopsConfig config;

    @Inject
    ClusterOpener clusters;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Settings settings;
        try {
            settings = SettingsResolver.resolve(config, options.overrides());
        } catch (StageException e) {
            err.println("alfred-gitops: " + e.getMessage());
            return ExitCodes.ERROR;
        }
        try (Revisions revisions = new Revisions(settings);
                ClusterConnection cluster = clusters.open(options, settings);
                Reconciler reconciler = new Reconciler(cluster.client(), settings.apply())) {
            RenderResult render = revisions.latest();
            CycleResult result = reconciler.reconcile(render);
            out.print(result.changes().render(true));
            switch (result.outcome()) {
                case SUCCEEDED, NOOP -> {
                    out.printf("reconcile %s at %s: %s in %d ms%n", result.outcome() == CycleResult.Outcome.NOOP
                            ? "no-op" : "succeeded", render.revision(), result.changes().summary(),
                            result.duration().toMillis());
                    out.flush();
                    return ExitCodes.OK;
                }
                case BLOCKED -> {
                    out.flush();
                    err.println("alfred-gitops: blocked: " + result.refusal().getMessage());
                    return ExitCodes.BLOCKED;
                }
                default -> {
                    out.flush();
                    err.println("alfred-gitops: " + result.error().getMessage());
                    return ExitCodes.CHANGES_OR_FAILED;
                }
            }
        } catch (StageException e) {
            err.println("alfred-gitops: " + e.getMessage());
            return e.stage() == io.alfred.gitops.Stage.CONFIG ? ExitCodes.ERROR : ExitCodes.CHANGES_OR_FAILED;
        }
    }
}
