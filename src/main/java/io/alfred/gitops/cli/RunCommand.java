package io.alfred.gitops.cli;

import io.alfred.gitops.StageException;
import io.alfred.gitops.apply.WriteGuard;
import io.alfred.gitops.cluster.ClusterConnection;
import io.alfred.gitops.cluster.Leadership;
import java.time.Duration;

import io.alfred.gitops.config.GitopsConfig;
import io.alfred.gitops.events.EventPublisher;
import io.alfred.gitops.events.EventSink;
import io.alfred.gitops.events.Outbox;
import io.alfred.gitops.events.OutboxStatus;
import io.alfred.gitops.events.StdoutEventSink;
import io.alfred.gitops.pubsub.PubSubConnection;
import io.alfred.gitops.trigger.DeliveryLog;
import io.alfred.gitops.trigger.NoticeHandler;
import io.alfred.gitops.trigger.PubSubTrigger;
import io.alfred.gitops.trigger.RepoMatcher;
import io.alfred.gitops.trigger.TriggerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.alfred.gitops.config.Settings;
import io.alfred.gitops.config.SettingsResolver;
import io.alfred.gitops.reconcile.SyncLoop;
import io.quarkus.runtime.Quarkus;
import jakarta.inject.Inject;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code run} (the default): the daemon. */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Run the daemon: keep the cluster equal to git.")
public class RunCommand implements Callable<Integer> {
    @Mixin
    CommonOptions options;

    @Spec
    CommandSpec spec;

    @Inject
    GitopsConfig config;

    @Inject
    SyncLoop loop;

    @Inject
    ClusterOpener clusters;

    @Inject
    MeterRegistry registry;

    @Inject
    OutboxStatus outboxStatus;

    @Inject
    ShutdownHooks shutdownHooks;

    static final Duration LEASE_DURATION = Duration.ofSeconds(15);

    /** Events the outbox holds at most before cycles wait (planned events are compacted first). */
    static final int OUTBOX_CAPACITY = 1000;

    @Override
    public Integer call() {
        return runDaemon(options, spec.commandLine().getErr());
    }

    private static String identity() {
        String pod = System.getenv("HOSTNAME");
        return pod != null && !pod.isBlank() ? pod : "alfred-gitops-" + java.util.UUID.randomUUID();
    }

    /** What only the leader does: reconcile (the loop), consume triggers, publish events. */
    private final class Duties {
        private final Settings settings;
        private final io.fabric8.kubernetes.client.KubernetesClient client;
        private final PubSubConnection pubsub;
        private PubSubTrigger trigger;
        private EventPublisher publisher;
        private boolean running;

        Duties(Settings settings, io.fabric8.kubernetes.client.KubernetesClient client, PubSubConnection pubsub) {
            this.settings = settings;
            this.client = client;
            this.pubsub = pubsub;
        }

        synchronized void start(WriteGuard guard) {
            if (running) {
                return;
            }
            running = true;
            EventSink events = new StdoutEventSink(System.out);
            var topic = config.events().topic();
            if (topic.isPresent()) {
                Outbox outbox = new Outbox(client, settings.apply().namespace(), OUTBOX_CAPACITY, outboxStatus);
                publisher = new EventPublisher(outbox, pubsub, config.pubsub().project().get(), topic.get(), outboxStatus)
                        .start();
                events = outbox;
            }
            loop.start(settings, client, events, guard);
            trigger = config.trigger().subscription().map(s -> new PubSubTrigger(pubsub, config.pubsub().project().get(), s,
                    new NoticeHandler(new RepoMatcher(settings.source().url(), settings.source().ref()), loop,
                            new TriggerMetrics(registry), new DeliveryLog())).start()).orElse(null);
        }

        synchronized void stop() {
            if (!running) {
                return;
            }
            running = false;
            if (trigger != null) {
                trigger.close();
            }
            loop.stop();
            if (publisher != null) {
                publisher.close();
            }
        }
    }

    Integer runDaemon(CommonOptions opts, java.io.PrintWriter err) {
        Settings settings;
        try {
            settings = SettingsResolver.resolve(config, opts.overrides());
        } catch (StageException e) {
            err.println("alfred-gitops: " + e.getMessage());
            return ExitCodes.ERROR;
        }
        try (ClusterConnection cluster = clusters.open(opts, settings);
                PubSubConnection pubsub = PubSubConnection.fromEnvironment()) {
            cluster.kubeconfig().ifPresent(k -> err.println("alfred-gitops: sandbox kubeconfig: " + k));
            Duties duties = new Duties(settings, cluster.client(), pubsub);
            shutdownHooks.add(duties::stop);
            try {
                if (config.leaderElection().enabled()) {
                    loop.standby(settings, cluster.client());
                    try (Leadership leadership = new Leadership(cluster.client(), settings.apply().namespace(),
                            identity(), LEASE_DURATION, true)) {
                        leadership.start(() -> duties.start(new WriteGuard(leadership::isLeader)), duties::stop);
                        Quarkus.waitForExit();
                    }
                } else {
                    duties.start(WriteGuard.ALWAYS);
                    Quarkus.waitForExit();
                }
            } finally {
                duties.stop();
            }
        } catch (StageException e) {
            err.println("alfred-gitops: " + e.getMessage());
            return ExitCodes.ERROR;
        }
        return ExitCodes.OK;
    }
}
