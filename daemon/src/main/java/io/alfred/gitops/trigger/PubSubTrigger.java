package io.alfred.gitops.trigger;

import com.google.api.core.ApiService;
import com.google.cloud.pubsub.v1.AckReplyConsumer;
import com.google.cloud.pubsub.v1.Subscriber;
import com.google.common.util.concurrent.MoreExecutors;
import com.google.pubsub.v1.ProjectSubscriptionName;
import com.google.pubsub.v1.PubsubMessage;
import io.alfred.gitops.pubsub.Backoff;
import io.alfred.gitops.pubsub.PubSubConnection;
import io.alfred.gitops.pubsub.PubSubHealth;
import io.alfred.gitops.pubsub.PubSubResource;
import io.alfred.gitops.support.Background;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Consumes {@code gitops.trigger.subscription} with google-cloud-pubsub's streaming
 * {@link Subscriber}. A message is acknowledged only once its cycle is queued (or when it is
 * malformed or for another repository: it would never become useful); when the daemon cannot queue
 * it, it is nacked for redelivery.
 *
 * <p>The client retries a broken stream by itself, but gives up for good on errors it deems final
 * (a missing subscription, a permission error): a failed subscriber is then replaced by a new one
 * after an exponential backoff (1 s to 1 min), so the trigger resumes without a restart of the
 * daemon. The backoff starts again only once a subscriber stayed up for {@link #STABLE}: a
 * subscriber is "running" as soon as it starts, long before Pub/Sub refuses its stream. The state
 * goes to {@link PubSubHealth}, which logs each change once. The schedule keeps polling meanwhile.
 */
public final class PubSubTrigger implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(PubSubTrigger.class);
    static final Duration STABLE = Duration.ofSeconds(10);
    /** How long close() waits for the subscriber to stop. */
    public static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private final PubSubConnection connection;
    private final ProjectSubscriptionName subscription;
    private final PubSubResource resource;
    private final MessageHandler handler;
    private final PubSubHealth health;
    private final Backoff backoff;
    private final Duration stable;
    private final AtomicInteger attempts = new AtomicInteger();
    private final ScheduledThreadPoolExecutor restarts =
            new ScheduledThreadPoolExecutor(1, Background.threads("pubsub-trigger-restart"));
    private Subscriber subscriber;
    private boolean closed;

    /** What to do with one message: true to acknowledge it, false to have it delivered again. */
    @FunctionalInterface
    public interface MessageHandler {
        boolean handle(PubsubMessage message);
    }

    /** Any subscription, each message to {@code handler}, with the standard backoff. */
    public static PubSubTrigger of(
            PubSubConnection connection, PubSubResource resource, MessageHandler handler, PubSubHealth health) {
        return new PubSubTrigger(connection, resource, handler, health, Backoff.standard(), STABLE);
    }

    /** Push notices (the trigger subscription) to {@code handler}; redelivered while it is not running. */
    public static MessageHandler notices(NoticeHandler handler) {
        return message -> handler.handle(
                        "pubsub",
                        Trigger.Kind.PUBSUB,
                        message.getMessageId(),
                        message.getData().toByteArray(),
                        message.getAttributesMap())
                != NoticeHandler.Result.NOT_RUNNING;
    }

    /**
     * @param backoff between restarts of a subscriber that failed
     * @param stable how long a subscriber must run before its backoff starts over
     */
    public PubSubTrigger(
            PubSubConnection connection,
            PubSubResource resource,
            MessageHandler handler,
            PubSubHealth health,
            Backoff backoff,
            Duration stable) {
        this.connection = connection;
        this.subscription = ProjectSubscriptionName.of(resource.project(), resource.name());
        this.resource = resource;
        this.handler = handler;
        this.health = health;
        this.backoff = backoff;
        this.stable = stable;
        restarts.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        health.watch(resource);
    }

    public PubSubTrigger start() {
        Subscriber s = subscribe();
        try {
            s.awaitRunning();
            LOG.infof(
                    "%s: listening on Pub/Sub subscription %s",
                    resource.key().replace("-subscription", ""), subscription);
        } catch (IllegalStateException e) {
            // the listener reported it and schedules the next attempt
        }
        return this;
    }

    /** Subscribers started so far, the first included. */
    int attempts() {
        return attempts.get();
    }

    private synchronized Subscriber subscribe() {
        attempts.incrementAndGet();
        Subscriber s = Subscriber.newBuilder(subscription, this::receive)
                .setChannelProvider(connection.channelProvider())
                .setCredentialsProvider(connection.credentials())
                .setParallelPullCount(1)
                .build();
        s.addListener(
                new ApiService.Listener() {
                    @Override
                    public void running() {
                        schedule(() -> stillRunning(s), stable);
                    }

                    @Override
                    public void failed(ApiService.State from, Throwable failure) {
                        restartLater(failure);
                    }
                },
                MoreExecutors
                        .directExecutor()); // not restarts: the subscriber's last callbacks come after close() shut it
        // down
        subscriber = s;
        s.startAsync();
        return s;
    }

    private void stillRunning(Subscriber s) {
        if (s.state() == ApiService.State.RUNNING) {
            backoff.reset();
            health.ok(resource);
        }
    }

    private synchronized void restartLater(Throwable failure) {
        if (closed) {
            return;
        }
        health.failed(resource, failure);
        Duration wait = backoff.next();
        LOG.debugf(
                "trigger: subscription %s failed (%s); subscribing again in %d ms",
                subscription, failure, wait.toMillis());
        schedule(
                () -> {
                    synchronized (this) {
                        if (!closed) {
                            subscribe();
                        }
                    }
                },
                wait);
    }

    private void schedule(Runnable task, Duration delay) {
        try {
            restarts.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    void receive(PubsubMessage message, AckReplyConsumer consumer) {
        health.ok(resource);
        if (handler.handle(message)) {
            consumer.ack();
        } else {
            consumer.nack();
        }
    }

    /** Stops the subscriber, then the restarts; a callback arriving after that finds {@code closed} set. */
    @Override
    public void close() {
        Subscriber s;
        synchronized (this) {
            closed = true;
            s = subscriber;
        }
        try {
            s.stopAsync().awaitTerminated(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.debugf("trigger: subscriber did not stop cleanly: %s", e.toString());
        }
        restarts.shutdown();
        try {
            restarts.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        restarts.shutdownNow();
    }
}
