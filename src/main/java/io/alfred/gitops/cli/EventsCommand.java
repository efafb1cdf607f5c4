package io.alfred.gitops.cli;

import com.google.cloud.pubsub.v1.AckReplyConsumer;
import com.google.cloud.pubsub.v1.MessageReceiver;
import com.google.cloud.pubsub.v1.Subscriber;
import com.google.pubsub.v1.ProjectSubscriptionName;
import com.google.pubsub.v1.PubsubMessage;
import io.alfred.gitops.events.EventLine;
import io.alfred.gitops.pubsub.PubSubConnection;
import io.quarkus.runtime.Quarkus;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code events}: a ready audit consumer that prints deploy events as they arrive. */
@Command(name = "events", mixinStandardHelpOptions = true,
        description = "Print deploy events from a Pub/Sub subscription as they arrive, one per line.")
public class EventsCommand extends CommandSupport implements Callable<Integer> {
    @Option(names = "--subscription", required = true, description = "Subscription on gitops.events.topic.")
    String subscription;

    @Option(names = "--type", description = "Only this type (e.g. io.alfred.gitops.sync.failed, or its suffix sync.failed).")
    String type;

    @Option(names = "--cluster", description = "Only events of this cluster.")
    String cluster;

    @Option(names = "--json", description = "Print each event as a structured CloudEvents JSON document.")
    boolean json;

    @Option(names = "--project", description = "Google Cloud project (gitops.pubsub.project).")
    String project;


    @Override
    public Integer call() {
        PrintWriter out = out();
        String p = project != null ? project : config.pubsub().project().orElse(null);
        if (p == null) {
            err().println("alfred-gitops: config: gitops.pubsub.project is not set (or use --project)");
            return ExitCodes.ERROR;
        }
        try (PubSubConnection connection = PubSubConnection.fromEnvironment()) {
            MessageReceiver receiver = (PubsubMessage message, AckReplyConsumer consumer) -> {
                if (EventLine.matches(message, type, cluster)) {
                    synchronized (out) {
                        out.println(json ? EventLine.json(message) : EventLine.human(message));
                        out.flush();
                    }
                }
                consumer.ack();
            };
            Subscriber subscriber = Subscriber.newBuilder(ProjectSubscriptionName.of(p, subscription), receiver)
                    .setChannelProvider(connection.channelProvider()).setCredentialsProvider(connection.credentials())
                    .build();
            subscriber.startAsync().awaitRunning();
            err().println("alfred-gitops: reading " + ProjectSubscriptionName.of(p, subscription) + " (Ctrl-C to stop)");
            Quarkus.waitForExit();
            subscriber.stopAsync();
            return ExitCodes.OK;
        } catch (IllegalStateException e) {
            err().println("alfred-gitops: events: " + e.getMessage());
            return ExitCodes.CHANGES_OR_FAILED;
        }
    }
}
