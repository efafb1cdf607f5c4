package io.alfred.gitops.cli;

import io.alfred.gitops.Stage;
import io.alfred.gitops.StageException;
import io.alfred.gitops.change.ChangeSet;
import io.alfred.gitops.cluster.ClusterConnection;
import io.alfred.gitops.cluster.WriteGuard;
import io.alfred.gitops.config.SafetySettings;
import io.alfred.gitops.config.Settings;
import io.alfred.gitops.reconcile.Reconciler;
import io.alfred.gitops.reconcile.Wiring;
import io.alfred.gitops.render.RenderResult;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code diff}: what a cycle would change, from a server-side dry run; writes nothing. */
@Command(
        name = "diff",
        mixinStandardHelpOptions = true,
        description = "Server-side dry-run diff against the cluster. Exit 0 no changes, 1 changes, 2 error.")
public class DiffCommand extends ClusterCommandSupport implements Callable<Integer> {
    @Override
    public Integer call() {
        PrintWriter out = out();
        try {
            Settings settings = settings(options);
            try (Connecting connecting = clusters.connecting(options, settings, timings)) {
                RenderResult render = connecting.meanwhile(() -> renderFor(options, settings));
                ClusterConnection cluster = connecting.connected();
                ChangeSet changes;
                try (Reconciler reconciler = Wiring.reconciler(
                        cluster.client(), settings.apply(), SafetySettings.defaults(), WriteGuard.ALWAYS)) {
                    changes = timings.time(Stage.PLAN, () -> reconciler.diff(render));
                } catch (KubernetesClientException e) {
                    throw cluster.accessFailure(e);
                }
                out.print(changes.render(true));
                out.printf("diff at %s: %s%n", render.revision().sha(), changes.summary());
                out.flush();
                printTimings();
                return changes.hasChanges() ? ExitCodes.CHANGES_OR_FAILED : ExitCodes.OK;
            }
        } catch (StageException e) {
            return fail(e, ExitCodes.ERROR);
        }
    }
}
