package io.alfred.gitops.events;

import com.google.api.core.ApiFuture;
import com.google.api.gax.retrying.RetrySettings;
import com.google.cloud.pubsub.v1.Publisher;
import com.google.protobuf.ByteString;
import com.google.pubsub.v1.PubsubMessage;
import com.google.pubsub.v1.TopicName;
import io.alfred.gitops.pubsub.Backoff;
import io.alfred.gitops.pubsub.PubSubConnection;
import io.alfred.gitops.pubsub.PubSubHealth;
import io.alfred.gitops.pubsub.PubSubResource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Publishes the outbox to {@code gitops.events.topic}, oldest first, one at a time, with message
 * ordering on (ordering key: the cluster). An event leaves the outbox only after Pub/Sub
 * acknowledged it; while Pub/Sub is unreachable, or the topic missing or forbidden, it is retried
 * with exponential backoff (1 s to 60 s), always the oldest first, so order holds across outages and
 * restarts. The topic's state goes to {@link PubSubHealth}, which logs each change once.
 */
public final class EventPublisher implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(EventPublisher.class);
    public static final Duration FLUSH_ON_CLOSE = Duration.ofSeconds(5);

    private final Outbox outbox;
    private final Publisher publisher;
    private final OutboxStatus status;
    private final PubSubHealth health;
    private final PubSubResource resource;
    private final Backoff backoff = Backoff.standard();
    private final Thread thread;
    private volatile boolean running = true;

    public EventPublisher(
            Outbox outbox,
            PubSubConnection connection,
            String project,
            String topic,
            OutboxStatus status,
            PubSubHealth health) {
        this.outbox = outbox;
        this.status = status;
        this.health = health;
        this.resource = PubSubResource.eventsTopic(project, topic);
        health.watch(resource);
        try {
            this.publisher = Publisher.newBuilder(TopicName.of(project, topic))
                    .setChannelProvider(connection.channelProvider())
                    .setCredentialsProvider(connection.credentials())
                    .setEnableMessageOrdering(true)
                    // fail a publish within half a minute; the outbox, not the client, retries for as long as it takes
                    .setRetrySettings(RetrySettings.newBuilder()
                            .setInitialRetryDelayDuration(Duration.ofMillis(100))
                            .setRetryDelayMultiplier(2)
                            .setMaxRetryDelayDuration(Duration.ofSeconds(5))
                            .setInitialRpcTimeoutDuration(Duration.ofSeconds(10))
                            .setRpcTimeoutMultiplier(1)
                            .setMaxRpcTimeoutDuration(Duration.ofSeconds(10))
                            .setTotalTimeoutDuration(Duration.ofSeconds(30))
                            .build())
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot create the Pub/Sub publisher for " + topic + ": " + PubSubConnection.describe(e), e);
        }
        this.thread = new Thread(this::run, "gitops-events");
        this.thread.setDaemon(true);
    }

    public EventPublisher start() {
        thread.start();
        return this;
    }

    private void run() {
        while (running) {
            try {
                List<Outbox.Entry> pending = outbox.pending();
                if (pending.isEmpty()) {
                    outbox.awaitChange(1000);
                    continue;
                }
                for (Outbox.Entry entry : pending) {
                    publish(entry.event());
                    outbox.remove(entry.key());
                    status.published();
                }
                backoff.reset();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                if (!running) {
                    return;
                }
                health.failed(resource, e);
                try {
                    Thread.sleep(backoff.next().toMillis());
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void publish(DeployEvent event) throws Exception {
        PubsubMessage message = PubsubMessage.newBuilder()
                .setData(ByteString.copyFrom(event.toCloudEvent().getData().toBytes()))
                .putAllAttributes(event.pubsubAttributes())
                .setOrderingKey(event.cluster())
                .build();
        ApiFuture<String> future = publisher.publish(message);
        try {
            String messageId = future.get(30, TimeUnit.SECONDS);
            health.ok(resource);
            LOG.debugf("events: published %s %s as message %s", event.type().type(), event.id(), messageId);
        } catch (Exception e) {
            publisher.resumePublish(event.cluster()); // an ordering key pauses after a failure
            throw e;
        }
    }

    /** Flushes the outbox best-effort (up to {@link #FLUSH_ON_CLOSE}); what is left stays for the next start. */
    @Override
    public void close() {
        long deadline = System.nanoTime() + FLUSH_ON_CLOSE.toNanos();
        try {
            while (running && System.nanoTime() < deadline && !outbox.pending().isEmpty()) {
                outbox.awaitChange(200);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // the API server is gone: the events stay in the outbox
        }
        running = false;
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // shutdown() waits for outstanding publishes; an event still unacknowledged stays in the outbox anyway
        Thread stopper = new Thread(
                () -> {
                    publisher.shutdown();
                    try {
                        publisher.awaitTermination(5, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "gitops-events-shutdown");
        stopper.setDaemon(true);
        stopper.start();
        try {
            stopper.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
