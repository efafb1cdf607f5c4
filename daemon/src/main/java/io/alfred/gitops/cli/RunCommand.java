package io.alfred.gitops.cli;

import io.alfred.gitops.StageException;
import io.alfred.gitops.cluster.ClusterAccessException;
import io.alfred.gitops.cluster.ClusterConnection;
import io.alfred.gitops.cluster.Leadership;
import io.alfred.gitops.cluster.WriteGuard;
import io.alfred.gitops.config.GitopsConfig;
import io.alfred.gitops.config.Settings;
import io.alfred.gitops.config.SettingsResolver;
import io.alfred.gitops.dashboard.FleetBoard;
import io.alfred.gitops.events.EventPublisher;
import io.alfred.gitops.events.EventSink;
import io.alfred.gitops.events.Outbox;
import io.alfred.gitops.events.OutboxStatus;
import io.alfred.gitops.events.StdoutEventSink;
import io.alfred.gitops.githost.GitHostReporter;
import io.alfred.gitops.githost.GitHostSettings;
import io.alfred.gitops.pubsub.PubSubConnection;
import io.alfred.gitops.pubsub.PubSubHealth;
import io.alfred.gitops.pubsub.PubSubResource;
import io.alfred.gitops.reconcile.SyncLoop;
import io.alfred.gitops.trigger.DeliveryLog;
import io.alfred.gitops.trigger.NoticeHandler;
import io.alfred.gitops.trigger.PubSubTrigger;
import io.alfred.gitops.trigger.RepoMatcher;
import io.alfred.gitops.trigger.Trigger;
import io.alfred.gitops.trigger.TriggerMetrics;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Quarkus;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.jboss.logging.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code run} (the default): the daemon. */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Run the daemon: keep the cluster equal to git.")
public class RunCommand implements Callable<Integer> {
    private static final Logger LOG = Logger.getLogger(RunCommand.class);

    @Mixin
    CommonOptions options;

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
    PubSubHealth pubsubHealth;

    @Inject
    ShutdownHooks shutdownHooks;

    @Inject
    FleetBoard fleetBoard;

    static final Duration LEASE_DURATION = Duration.ofSeconds(15);

    /** Events the outbox holds at most before cycles wait (planned events are compacted first). */
    static final int OUTBOX_CAPACITY = 1000;

    @Override
    public Integer call() {
        return runDaemon(options);
    }

    private static String identity() {
        String pod = System.getenv("HOSTNAME");
        return pod != null && !pod.isBlank() ? pod : "alfred-gitops-" + UUID.randomUUID();
    }

    /** What only the leader does: reconcile (the loop), consume triggers, publish events. */
    private final class Duties {
        private final Settings settings;
        private final KubernetesClient client;
        private final PubSubConnection pubsub;
        private PubSubTrigger trigger;
        private PubSubTrigger proofs;
        private PubSubTrigger fleet;
        private EventPublisher publisher;
        private GitHostReporter githost;
        private boolean running;

        private final Optional<GitHostSettings> host;

        Duties(Settings settings, Optional<GitHostSettings> host, KubernetesClient client, PubSubConnection pubsub) {
            this.settings = settings;
            this.host = host;
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
                publisher = new EventPublisher(
                                outbox,
                                pubsub,
                                config.pubsub().project().get(),
                                topic.get(),
                                outboxStatus,
                                pubsubHealth)
                        .start();
                events = outbox;
            }
            githost = host.map(h -> new GitHostReporter(
                            GitHostReporter.api(h),
                            settings.cluster().name(),
                            h.targetUrl(),
                            GitHostReporter.FIRST_BACKOFF))
                    .orElse(null);
            if (githost != null) {
                events = githost.statuses(events);
                loop.previewListener(githost);
            }
            loop.start(settings, client, events, guard);
            proofs = loop.promotionGate()
                    .map(gate -> PubSubTrigger.of(
                                    pubsub,
                                    PubSubResource.promotionSubscription(
                                            config.pubsub().project().get(),
                                            gate.settings().subscription().orElseThrow()),
                                    gate.listener(() -> loop.offer(Trigger.of(Trigger.Kind.PROMOTION))),
                                    pubsubHealth)
                            .start())
                    .orElse(null);
            fleet = config.fleet()
                    .subscription()
                    .map(s -> PubSubTrigger.of(
                                    pubsub,
                                    PubSubResource.fleetSubscription(
                                            config.pubsub().project().get(), s),
                                    fleetBoard::accept,
                                    pubsubHealth)
                            .start())
                    .orElse(null);
            trigger = config.trigger()
                    .subscription()
                    .map(s -> PubSubTrigger.of(
                                    pubsub,
                                    PubSubResource.triggerSubscription(
                                            config.pubsub().project().get(), s),
                                    PubSubTrigger.notices(new NoticeHandler(
                                            new RepoMatcher(
                                                    settings.source().url(),
                                                    settings.source().ref()),
                                            loop,
                                            loop,
                                            new TriggerMetrics(registry),
                                            new DeliveryLog())),
                                    pubsubHealth)
                            .start())
                    .orElse(null);
        }

        synchronized void stop() {
            if (!running) {
                return;
            }
            running = false;
            if (trigger != null) {
                trigger.close();
            }
            if (proofs != null) {
                proofs.close();
            }
            if (fleet != null) {
                fleet.close();
            }
            loop.stop();
            if (githost != null) {
                githost.close();
            }
            if (publisher != null) {
                publisher.close();
            }
        }
    }

    Integer runDaemon(CommonOptions opts) {
        try {
            Settings settings = SettingsResolver.resolve(config, opts.overrides());
            Optional<GitHostSettings> host = GitHostSettings.resolve(
                    config.githost().provider(),
                    config.githost().apiUrl(),
                    config.githost().tokenFile(),
                    config.githost().repository(),
                    config.githost().targetUrl(),
                    settings.source().url());
            try (ClusterConnection cluster = clusters.open(opts, settings);
                    PubSubConnection pubsub = PubSubConnection.fromEnvironment()) {
                checkCluster(cluster, settings);
                Duties duties = new Duties(settings, host, cluster.client(), pubsub);
                shutdownHooks.add(duties::stop);
                try {
                    if (config.leaderElection().enabled()) {
                        loop.standby(settings, cluster.client());
                        try (Leadership leadership = new Leadership(
                                cluster.client(), settings.apply().namespace(), identity(), LEASE_DURATION, true)) {
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
            }
        } catch (StageException e) {
            LOG.error("alfred-gitops: " + e.getMessage());
            return ExitCodes.ERROR;
        }
        return ExitCodes.OK;
    }

    /**
     * Says at start-up, in one line, whether the API server answers. An unreachable one is no
     * reason to exit: the daemon stays live and not ready, and its cycles reach the server once it is back.
     */
    private static void checkCluster(ClusterConnection cluster, Settings settings) {
        try {
            String version = cluster.verify(settings.cluster().connectTimeout());
            LOG.infof(
                    "cluster: %s (from %s), Kubernetes %s",
                    cluster.server(), cluster.origin().describe(), version);
        } catch (ClusterAccessException e) {
            LOG.errorf("%s; not ready until it answers", e.getMessage());
        }
    }
}
