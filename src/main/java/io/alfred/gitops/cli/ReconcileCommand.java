package io.alfred.gitops.cli;

import io.alfred.gitops.StageException;
import io.alfred.gitops.cluster.ClusterConnection;
import io.alfred.gitops.config.Settings;
import io.alfred.gitops.reconcile.CycleResult;
import io.alfred.gitops.reconcile.Reconciler;
import io.alfred.gitops.reconcile.Revisions;
import io.alfred.gitops.render.RenderResult;
import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code reconcile --once}: one full cycle, then exit. */
@Command(name = "reconcile", mixinStandardHelpOptions = true,
        description = "One full cycle, then exit. Exit 0 success or no-op, 1 failed, 3 blocked by a safety gate, 2 error.")
public class ReconcileCommand extends CommandSupport implements Callable<Integer> {
    @Mixin
    CommonOptions options;

    @Option(names = "--once", required = true, description = "Run one cycle and exit (continuous reconciling is `run`).")
    boolean once;


    @Inject
    ClusterOpener clusters;

    @Override
    public Integer call() {
        PrintWriter out = out();
        Settings settings;
        try {
            settings = settings(options);
        } catch (StageException e) {
            return fail(e, ExitCodes.ERROR);
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
                    err().println("alfred-gitops: blocked: " + result.refusal().getMessage());
                    return ExitCodes.BLOCKED;
                }
                default -> {
                    return fail(result.error(), ExitCodes.CHANGES_OR_FAILED);
                }
            }
        } catch (StageException e) {
            return fail(e, e.stage() == io.alfred.gitops.Stage.CONFIG ? ExitCodes.ERROR : ExitCodes.CHANGES_OR_FAILED);
        }
    }
}
