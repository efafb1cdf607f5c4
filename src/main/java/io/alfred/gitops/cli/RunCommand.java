package io.alfred.gitops.cli;

import io.alfred.gitops.StageException;
import io.alfred.gitops.cluster.ClusterConnection;

import io.alfred.gitops.config.GitopsConfig;
import io.alfred.gitops.events.EventPublisher;
import io.alfred.gitops.events.EventSink;
import io.alfred.gitops.events.Outbox;
import io.alfred.gitops.events.OutboxStatus;
import io.alfred.gitops.events.StdoutEventSink;
import io.alfred.gitops.pubsub.PubSubConnection;
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

    /** Events the outbox holds at most before cycles wait (planned events are compacted first). */
    static final int OUTBOX_CAPACITY = 1000;

    @Override
    public Integer call() {
        return runDaemon(options, spec.commandLine().getErr());
    }

    Integer runDaemon(CommonOptions opts, java.io.PrintWriter err) {
        Settings settings;
        try {
            settings = SettingsResolver.resolve(config, opts.overrides());
        } catch (StageException e) {
            err.println("alfred-gitops: " + e.getMessage());
            return ExitCodes.ERROR;
        }
        var subscription = config.trigger().subscription();
        var topic = config.events().topic();
        if ((subscription.isPresent() || topic.isPresent()) && config.pubsub().project().isEmpty()) {
            err.println("alfred-gitops: config: gitops.pubsub.project is not set (required by "
                    + (topic.isPresent() ? "gitops.events.topic" : "gitops.trigger.subscription") + ")");
            return ExitCodes.ERROR;
        }
        try (ClusterConnection cluster = clusters.open(opts, settings);
                PubSubConnection pubsub = PubSubConnection.fromEnvironment()) {
            cluster.kubeconfig().ifPresent(k -> err.println("alfred-gitops: sandbox kubeconfig: " + k));
            EventSink events = new StdoutEventSink(System.out);
            EventPublisher publisher = null;
            if (topic.isPresent()) {
                Outbox outbox = new Outbox(cluster.client(), settings.apply().namespace(), OUTBOX_CAPACITY, outboxStatus);
                publisher = new EventPublisher(outbox, pubsub, config.pubsub().project().get(), topic.get(), outboxStatus)
                        .start();
                events = outbox;
            }
            loop.start(settings, cluster.client(), events);
            PubSubTrigger trigger = subscription.map(s -> new PubSubTrigger(pubsub, config.pubsub().project().get(), s,
                    new NoticeHandler(new RepoMatcher(settings.source().url(), settings.source().ref()), loop,
                            new TriggerMetrics(registry))).start()).orElse(null);
            try {
                Quarkus.waitForExit();
            } finally {
                if (trigger != null) {
                    trigger.close();
                }
                loop.stop();
                if (publisher != null) {
                    publisher.close();
                }
            }
        } catch (StageException e) {
            err.println("alfred-gitops: " + e.getMessage());
            return ExitCodes.ERROR;
        }
        return ExitCodes.OK;
    }
}
