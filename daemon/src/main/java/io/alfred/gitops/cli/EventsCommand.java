package io.alfred.gitops.cli;

import com.google.api.core.ApiService;
import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.NotFoundException;
import com.google.api.gax.rpc.PermissionDeniedException;
import com.google.cloud.pubsub.v1.AckReplyConsumer;
import com.google.cloud.pubsub.v1.MessageReceiver;
import com.google.cloud.pubsub.v1.Subscriber;
import com.google.cloud.pubsub.v1.SubscriptionAdminClient;
import com.google.cloud.pubsub.v1.SubscriptionAdminSettings;
import com.google.common.util.concurrent.MoreExecutors;
import com.google.pubsub.v1.ProjectSubscriptionName;
import com.google.pubsub.v1.PubsubMessage;
import com.google.pubsub.v1.Subscription;
import io.alfred.gitops.events.EventLine;
import io.alfred.gitops.events.FleetView;
import io.alfred.gitops.pubsub.PubSubConnection;
import io.alfred.gitops.pubsub.PubSubResource;
import io.grpc.Status;
import io.quarkus.runtime.Quarkus;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code events}: a ready audit consumer that prints deploy events as they arrive. */
@Command(
        name = "events",
        mixinStandardHelpOptions = true,
        description = "Print deploy events from a Pub/Sub subscription as they arrive, one per line.")
public class EventsCommand extends CommandSupport implements Callable<Integer> {
    @Option(names = "--subscription", required = true, description = "Subscription on gitops.events.topic.")
    String subscription;

    @Option(
            names = "--type",
            description = "Only this type (e.g. io.alfred.gitops.sync.failed, or its suffix sync.failed).")
    String type;

    @Option(names = "--cluster", description = "Only events of this cluster.")
    String cluster;

    @Option(names = "--json", description = "Print each event as a structured CloudEvents JSON document.")
    boolean json;

    @Option(
            names = "--fleet",
            description = "One line per cluster (environment, applied revision, state, what it waits "
                    + "for), printed again whenever an event changes it.")
    boolean fleet;

    @Option(names = "--project", description = "Google Cloud project (gitops.pubsub.project).")
    String project;

    @Option(
            names = {"-v", "--verbose"},
            description = "Log progress (INFO) and print stack traces.")
    boolean verbose;

    @Override
    public Integer call() {
        PrintWriter out = out();
        String p = project != null ? project : config.pubsub().project().orElse(null);
        if (p == null) {
            err().println("alfred-gitops: config: gitops.pubsub.project is not set (or use --project)");
            return ExitCodes.ERROR;
        }
        PubSubResource resource = PubSubResource.eventsSubscription(p, subscription);
        try (PubSubConnection connection = PubSubConnection.fromEnvironment()) {
            Optional<String> problem = check(connection, resource);
            if (problem.isPresent()) {
                err().println("alfred-gitops: events: " + problem.get());
                return ExitCodes.ERROR;
            }
            FleetView view = new FleetView();
            MessageReceiver receiver = (PubsubMessage message, AckReplyConsumer consumer) -> {
                if (fleet) {
                    if (EventLine.matches(message, type, cluster) && view.accept(message)) {
                        synchronized (out) {
                            view.lines().forEach(out::println);
                            out.println();
                            out.flush();
                        }
                    }
                } else if (EventLine.matches(message, type, cluster)) {
                    synchronized (out) {
                        out.println(json ? EventLine.json(message) : EventLine.human(message));
                        out.flush();
                    }
                }
                consumer.ack();
            };
            Subscriber subscriber = Subscriber.newBuilder(ProjectSubscriptionName.of(p, subscription), receiver)
                    .setChannelProvider(connection.channelProvider())
                    .setCredentialsProvider(connection.credentials())
                    .build();
            AtomicReference<String> failure = new AtomicReference<>();
            subscriber.addListener(
                    new ApiService.Listener() {
                        @Override
                        public void failed(ApiService.State from, Throwable cause) {
                            failure.set(resource.path() + ": " + Status.fromThrowable(cause));
                            Quarkus.asyncExit(ExitCodes.ERROR);
                        }
                    },
                    MoreExecutors.directExecutor());
            subscriber.startAsync();
            err().println("alfred-gitops: reading " + resource.path() + " (Ctrl-C to stop)");
            err().flush();
            Quarkus.waitForExit();
            if (failure.get() != null) {
                err().println("alfred-gitops: events: " + failure.get());
                return ExitCodes.ERROR;
            }
            subscriber.stopAsync();
            return ExitCodes.OK;
        }
    }

    /**
     * The subscription exists and is readable (a missing one is an error naming the command that
     * creates it); without message ordering, one cluster's events may arrive out of order (a warning).
     * Credentials that may consume but not describe it are no reason to stop.
     */
    private Optional<String> check(PubSubConnection connection, PubSubResource resource) {
        try (SubscriptionAdminClient admin = SubscriptionAdminClient.create(SubscriptionAdminSettings.newBuilder()
                .setTransportChannelProvider(connection.channelProvider())
                .setCredentialsProvider(connection.credentials())
                .build())) {
            Subscription found = admin.getSubscription(resource.path());
            if (!found.getEnableMessageOrdering()) {
                err().println("alfred-gitops: warning: " + resource.path() + " has message ordering off: one cluster's"
                        + " events may arrive out of order; create it with --enable-message-ordering");
            }
            return Optional.empty();
        } catch (NotFoundException e) {
            return Optional.of(
                    resource.path() + " does not exist; create it on the events topic: " + resource.createCommand());
        } catch (PermissionDeniedException e) {
            return Optional.empty();
        } catch (ApiException e) {
            return Optional.of("Pub/Sub cannot be reached for " + resource.path() + " ("
                    + e.getStatusCode().getCode() + "): check the network or PUBSUB_EMULATOR_HOST");
        } catch (IOException e) {
            return Optional.of("cannot connect to Pub/Sub: " + PubSubConnection.describe(e));
        }
    }
}
