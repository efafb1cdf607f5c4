package io.alfred.gitops.trigger;

import com.google.cloud.pubsub.v1.AckReplyConsumer;
import com.google.cloud.pubsub.v1.Subscriber;
import com.google.pubsub.v1.ProjectSubscriptionName;
import com.google.pubsub.v1.PubsubMessage;
import io.alfred.gitops.pubsub.PubSubConnection;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Consumes {@code gitops.trigger.subscription} with google-cloud-pubsub's streaming
 * {@link Subscriber}. A message is acknowledged only once its cycle is queued (or when it is
 * malformed or for another repository: it would never become useful); when the daemon cannot queue
 * it, it is nacked for redelivery.
 */
public final class PubSubTrigger implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(PubSubTrigger.class);

    private final Subscriber subscriber;
    private final NoticeHandler handler;

    public PubSubTrigger(PubSubConnection connection, String project, String subscription, NoticeHandler handler) {
        this.handler = handler;
        this.subscriber = Subscriber.newBuilder(ProjectSubscriptionName.of(project, subscription), this::receive)
                .setChannelProvider(connection.channelProvider())
                .setCredentialsProvider(connection.credentials())
                .setParallelPullCount(1)
                .build();
    }

    public PubSubTrigger start() {
        subscriber.startAsync().awaitRunning();
        LOG.infof("trigger: listening on Pub/Sub subscription %s", subscriber.getSubscriptionNameString());
        return this;
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
        try {
            subscriber.stopAsync().awaitTerminated(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.debugf("trigger: subscriber did not stop cleanly: %s", e.toString());
        }
    }
}
