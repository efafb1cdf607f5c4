package io.alfred.gitops.trigger;

import com.google.api.core.ApiService;
import com.google.cloud.pubsub.v1.AckReplyConsumer;
import com.google.cloud.pubsub.v1.Subscriber;
import com.google.pubsub.v1.ProjectSubscriptionName;
import com.google.pubsub.v1.PubsubMessage;
import io.alfred.gitops.pubsub.PubSubConnection;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Consumes {@code gitops.trigger.subscription} with google-cloud-pubsub's streaming
 * {@link Subscriber}. A message is acknowledged only once its cycle is queued (or when it is
 * malformed or for another repository: it would never become useful); when the daemon cannot queue
 * it, it is nacked for redelivery.
 *
 * <p>The client retries a broken stream by itself, but gives up for good on errors it deems final
 * (the subscription missing while Pub/Sub or its emulator restarts, permissions being fixed): a
 * failed subscriber is then replaced by a new one after a backoff, so the trigger resumes without
 * a restart of the daemon. The schedule keeps polling meanwhile, so nothing waits on it.
 */
public final class PubSubTrigger implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(PubSubTrigger.class);
    static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    static final Duration MAX_BACKOFF = Duration.ofMinutes(1);

    private final PubSubConnection connection;
    private final ProjectSubscriptionName subscription;
    private final NoticeHandler handler;
    private final ScheduledExecutorService restarts = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "pubsub-trigger-restart");
        t.setDaemon(true);
        return t;
    });
    private Subscriber subscriber;
    private Duration backoff = FIRST_BACKOFF;
    private boolean closed;

    public PubSubTrigger(PubSubConnection connection, String project, String subscription, NoticeHandler handler) {
        this.connection = connection;
        this.subscription = ProjectSubscriptionName.of(project, subscription);
        this.handler = handler;
    }

    public PubSubTrigger start() {
        Subscriber s = subscribe();
        try {
            s.awaitRunning();
            LOG.infof("trigger: listening on Pub/Sub subscription %s", subscription);
        } catch (IllegalStateException e) {
            // the listener logged it and schedules the next attempt
        }
        return this;
    }

    private synchronized Subscriber subscribe() {
        Subscriber s = Subscriber.newBuilder(subscription, this::receive)
                .setChannelProvider(connection.channelProvider())
                .setCredentialsProvider(connection.credentials())
                .setParallelPullCount(1)
                .build();
        s.addListener(new ApiService.Listener() {
            @Override
            public void running() {
                resetBackoff();
            }

            @Override
            public void failed(ApiService.State from, Throwable failure) {
                restartLater(failure);
            }
        }, restarts);
        subscriber = s;
        s.startAsync();
        return s;
    }

    private synchronized void resetBackoff() {
        backoff = FIRST_BACKOFF;
    }

    private synchronized void restartLater(Throwable failure) {
        if (closed) {
            return;
        }
        LOG.warnf("trigger: the Pub/Sub subscription %s failed (%s); subscribing again in %d s", subscription,
                failure.getMessage(), backoff.toSeconds());
        restarts.schedule(() -> {
            synchronized (this) {
                if (!closed) {
                    subscribe();
                }
            }
        }, backoff.toMillis(), TimeUnit.MILLISECONDS);
        backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
    }

    void receive(PubsubMessage message, AckReplyConsumer consumer) {
        NoticeHandler.Result result = handler.handle("pubsub", Trigger.Kind.PUBSUB, message.getMessageId(),
                message.getData().toByteArray(), message.getAttributesMap());
        if (result == NoticeHandler.Result.NOT_RUNNING) {
            consumer.nack();
        } else {
            consumer.ack();
        }
    }

    @Override
    public void close() {
        Subscriber s;
        synchronized (this) {
            closed = true;
            s = subscriber;
        }
        restarts.shutdownNow();
        try {
            s.stopAsync().awaitTerminated(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.debugf("trigger: subscriber did not stop cleanly: %s", e.toString());
        }
    }
}
