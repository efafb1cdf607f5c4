package io.alfred.gitops.cli;

import io.alfred.gitops.StageException;
import io.alfred.gitops.cluster.ClusterConnection;
import io.alfred.gitops.state.SuspendStore;
import io.alfred.gitops.state.Suspension;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code resume}: the daemon writes again, starting with a cycle at once. */
@Command(
        name = "resume",
        mixinStandardHelpOptions = true,
        description = "Let the daemon write again; it starts a cycle at once. Exit 0 ok, 2 error.")
public class ResumeCommand extends StateCommandSupport implements Callable<Integer> {
    @Override
    public Integer call() {
        try (ClusterConnection cluster = connect()) {
            Suspension s;
            try {
                SuspendStore store = new SuspendStore(cluster.client(), namespace());
                if (!store.load().suspended()) {
                    out().printf("the daemon in namespace %s is not suspended; nothing to do%n", namespace());
                    out().flush();
                    return ExitCodes.OK;
                }
                s = store.resume(whoAmI(cluster));
            } catch (KubernetesClientException e) {
                throw cluster.accessFailure(e);
            }
            out().printf("%s%nthe daemon in namespace %s starts a cycle within a second%n", s.describe(), namespace());
            out().flush();
            return ExitCodes.OK;
        } catch (StageException e) {
            return fail(e, ExitCodes.ERROR);
        }
    }
}
