package io.alfred.gitops.cli;

import io.alfred.gitops.StageException;
import io.alfred.gitops.cluster.ClusterConnection;
import io.alfred.gitops.state.SuspendStore;
import io.alfred.gitops.state.Suspension;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code suspend}: the daemon stops writing (it keeps fetching and reporting drift) until {@code resume}. */
@Command(
        name = "suspend",
        mixinStandardHelpOptions = true,
        description =
                "Stop the daemon's writes (it keeps fetching and reporting drift) until 'resume'. Exit 0 ok, 2 error.")
public class SuspendCommand extends StateCommandSupport implements Callable<Integer> {
    @Option(names = "--reason", paramLabel = "TEXT", description = "Why, for the people who look at 'status' next.")
    String reason;

    @Override
    public Integer call() {
        try (ClusterConnection cluster = connect()) {
            Suspension s;
            try {
                s = new SuspendStore(cluster.client(), namespace()).suspend(whoAmI(cluster), reason);
            } catch (KubernetesClientException e) {
                throw cluster.accessFailure(e);
            }
            out().printf(
                            "%s%nthe daemon in namespace %s stops writing within a second; "
                                    + "'alfred-gitops resume' undoes it%n",
                            s.describe(), namespace());
            out().flush();
            return ExitCodes.OK;
        } catch (StageException e) {
            return fail(e, ExitCodes.ERROR);
        }
    }
}
