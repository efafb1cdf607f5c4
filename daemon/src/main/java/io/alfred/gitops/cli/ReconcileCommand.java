package io.alfred.gitops.cli;

import io.alfred.gitops.Revision;
import io.alfred.gitops.Stage;
import io.alfred.gitops.StageException;
import io.alfred.gitops.cluster.ClusterConnection;
import io.alfred.gitops.cluster.ClusterFailure;
import io.alfred.gitops.config.Settings;
import io.alfred.gitops.events.EventPublisher;
import io.alfred.gitops.events.EventSink;
import io.alfred.gitops.events.Outbox;
import io.alfred.gitops.events.OutboxStatus;
import io.alfred.gitops.pubsub.PubSubConnection;
import io.alfred.gitops.pubsub.PubSubHealth;
import io.alfred.gitops.reconcile.CycleResult;
import io.alfred.gitops.reconcile.CycleRunner;
import io.alfred.gitops.reconcile.Revisions;
import io.alfred.gitops.reconcile.SyncStatus;
import io.alfred.gitops.reconcile.Wiring;
import io.alfred.gitops.trigger.Trigger;
import io.alfred.gitops.verify.RevisionVerification;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.jboss.logging.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code reconcile --once}: one full cycle (events and rollback included), then exit. */
@Command(
        name = "reconcile",
        mixinStandardHelpOptions = true,
        description =
                "One full cycle, then exit. Exit 0 success or no-op, 1 failed, 3 blocked by a safety gate, 2 error.")
public class ReconcileCommand extends ClusterCommandSupport implements Callable<Integer> {
    private static final Logger LOG = Logger.getLogger(ReconcileCommand.class);

    @Option(
            names = "--once",
            required = true,
            description = "Run one cycle and exit (continuous reconciling is `run`).")
    boolean once;

    @Override
    public Integer call() {
        PrintWriter out = out();
        Settings settings;
        try {
            settings = settings(options);
        } catch (StageException e) {
            return fail(e, ExitCodes.ERROR);
        }
        var topic = config.events().topic();
        EventPublisher publisher = null;
        // the cluster first: reaching it is the longest of the three (the kubeconfig, its keys, TLS)
        try (Connecting connecting = clusters.connecting(options, settings, timings);
                Revisions revisions = Wiring.revisions(settings);
                PubSubConnection pubsub = PubSubConnection.fromEnvironment()) {
            connecting.meanwhile(() -> prefetch(revisions));
            ClusterConnection cluster = connecting.connected();
            EventSink events = EventSink.NONE; // stdout is the change set's; without a topic no events
            if (topic.isPresent()) {
                OutboxStatus outboxStatus = OutboxStatus.detached();
                Outbox outbox = new Outbox(
                        cluster.client(), settings.apply().namespace(), RunCommand.OUTBOX_CAPACITY, outboxStatus);
                publisher = new EventPublisher(
                                outbox,
                                pubsub,
                                config.pubsub().project().get(),
                                topic.get(),
                                outboxStatus,
                                PubSubHealth.detached())
                        .start();
                events = outbox;
            }
            try (CycleRunner runner = Wiring.runner(
                    settings, revisions, cluster.client(), new SyncStatus(), CycleRunner.Outlets.events(events))) {
                CycleResult result = runner.runOnce(Trigger.of(Trigger.Kind.MANUAL));
                if (result != null) {
                    timings.addAll(result.stageDurations());
                }
                printTimings();
                if (result == null) {
                    out.println("reconcile no-op: nothing to do");
                    return ExitCodes.OK;
                }
                out.print(result.changes().render(true));
                switch (result.outcome()) {
                    case SUCCEEDED, NOOP -> {
                        out.printf(
                                "reconcile %s at %s: %s in %d ms%n",
                                result.outcome() == CycleResult.Outcome.NOOP ? "no-op" : "succeeded",
                                result.revision().sha(),
                                result.changes().summary(),
                                result.duration().toMillis());
                        out.flush();
                        return ExitCodes.OK;
                    }
                    case BLOCKED -> {
                        out.flush();
                        err().println("alfred-gitops: blocked: "
                                + result.refusal().getMessage());
                        return ExitCodes.BLOCKED;
                    }
                    default -> {
                        if (ClusterFailure.isAccessProblem(result.error())) {
                            return fail(cluster.accessFailure(result.error()), ExitCodes.ERROR);
                        }
                        // the source could not be fetched: git unreachable, credentials refused, no such ref
                        return fail(
                                result.error(),
                                result.error().stage() == Stage.FETCH ? ExitCodes.ERROR : ExitCodes.CHANGES_OR_FAILED);
                    }
                }
            } finally {
                if (publisher != null) {
                    publisher.close(); // flushes the outbox best-effort; what is left goes out with the daemon
                }
            }
        } catch (StageException e) {
            return fail(
                    e,
                    e.stage() == Stage.CONFIG || e.stage() == Stage.CLUSTER
                            ? ExitCodes.ERROR
                            : ExitCodes.CHANGES_OR_FAILED);
        }
    }

    /**
     * Fetches and renders while the cluster is being reached, so that the cycle finds both done
     * (the render is cached by revision). A revision the verify gate would refuse is not rendered.
     * A failure here is left to the cycle, which meets it again and reports it with its event.
     */
    private void prefetch(Revisions revisions) {
        try {
            Revision revision = fetched(revisions::poll);
            RevisionVerification verification = revisions.verify(revision);
            if (!verification.isRequired() || verification.isVerified()) {
                rendered(revisions, revision);
            }
        } catch (RuntimeException e) {
            LOG.debugf("prefetch: %s; the cycle tries again", e.getMessage());
        }
    }
}
