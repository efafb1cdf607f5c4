package io.alfred.gitops.testing;

import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.GrpcTransportChannel;
import com.google.api.gax.rpc.FixedTransportChannelProvider;
import com.google.cloud.pubsub.v1.Publisher;
import com.google.cloud.pubsub.v1.SubscriptionAdminClient;
import com.google.cloud.pubsub.v1.SubscriptionAdminSettings;
import com.google.cloud.pubsub.v1.TopicAdminClient;
import com.google.cloud.pubsub.v1.TopicAdminSettings;
import com.google.protobuf.ByteString;
import com.google.pubsub.v1.PubsubMessage;
import com.google.pubsub.v1.SubscriptionName;
import com.google.pubsub.v1.TopicName;
import io.alfred.gitops.pubsub.PubSubConnection;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The real Pub/Sub emulator of the Google Cloud SDK, started on a free loopback port. Found through
 * {@code PUBSUB_EMULATOR_BIN}, else {@code gcloud info}, else {@code /usr/lib/google-cloud-sdk}.
 * Tests that need it call {@link #startOrSkip()}, which skips them loudly when it is absent.
 */
public final class PubSubEmulator implements AutoCloseable {
    public static final String PROJECT = "alfred-test";

    private Process process;
    private final Path bin;
    private final int backendPort;
    /** What the code under test connects to: shut during an outage and while a restart is set up. */
    private final TcpGate gate;

    private final PubSubConnection connection;
    /** The tests' own admin and subscriber channel, straight to the emulator. */
    private PubSubConnection admin;

    private PubSubEmulator(Path bin, Process process, int backendPort) {
        this.bin = bin;
        this.process = process;
        this.backendPort = backendPort;
        this.gate = new TcpGate(backendPort);
        this.connection = PubSubConnection.emulator(hostAndPort());
        this.admin = PubSubConnection.emulator("127.0.0.1:" + backendPort);
    }

    public static PubSubEmulator startOrSkip() {
        Path bin = locate();
        if (bin == null) {
            String why = "Pub/Sub emulator not found (set PUBSUB_EMULATOR_BIN or install the Google Cloud SDK with the "
                    + "pubsub-emulator component): tests that need it are SKIPPED";
            System.err.println("WARNING: " + why);
            org.junit.jupiter.api.Assumptions.abort(why);
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return new PubSubEmulator(bin, launch(bin, port), port);
    }

    /** Stops the emulator process (state is lost, as with the real emulator). */
    public void stop() {
        gate.shut();
        kill(process);
    }

    /**
     * Starts it again on the same port. Its state was lost, so {@code recreate} makes the topics and
     * subscriptions again before the code under test can reach it: a publish in between would go to
     * a topic with no subscription yet, and be lost to the test, not to the product.
     */
    public void restart(Consumer<PubSubEmulator> recreate) {
        gate.shut();
        kill(process);
        process = launch(bin, backendPort);
        admin.close(); // a fresh channel, not one backing off from the dead process
        admin = PubSubConnection.emulator("127.0.0.1:" + backendPort);
        recreate.accept(this);
        gate.open();
    }

    private static Process launch(Path bin, int port) {
        try {
            Process p = new ProcessBuilder(bin.toString(), "--host=127.0.0.1", "--port=" + port)
                    .redirectErrorStream(true)
                    .start();
            CountDownLatch ready = new CountDownLatch(1);
            Thread reader = new Thread(
                    () -> {
                        try (BufferedReader r =
                                new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                            String line;
                            while ((line = r.readLine()) != null) {
                                if (line.contains("Server started")) {
                                    ready.countDown();
                                }
                            }
                        } catch (IOException ignored) {
                            // process ended
                        }
                    },
                    "pubsub-emulator-log");
            reader.setDaemon(true);
            reader.start();
            if (!ready.await(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("the Pub/Sub emulator did not start within 60 s");
            }
            return p;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the Pub/Sub emulator: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Path locate() {
        String explicit = System.getenv("PUBSUB_EMULATOR_BIN");
        if (explicit != null && Files.isExecutable(Path.of(explicit))) {
            return Path.of(explicit);
        }
        for (String root :
                new String[] {sdkRootFromGcloud(), "/usr/lib/google-cloud-sdk", "/usr/share/google-cloud-sdk"}) {
            if (root != null) {
                Path bin = Path.of(root, "platform/pubsub-emulator/bin/cloud-pubsub-emulator");
                if (Files.isExecutable(bin)) {
                    return bin;
                }
            }
        }
        return null;
    }

    private static String sdkRootFromGcloud() {
        try {
            Process p = new ProcessBuilder("gcloud", "info", "--format=value(installation.sdk_root)")
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0 && !out.isEmpty() ? out : null;
        } catch (IOException | InterruptedException e) {
            return null;
        }
    }

    public String hostAndPort() {
        return "127.0.0.1:" + gate.port();
    }

    public PubSubConnection connection() {
        return connection;
    }

    private FixedTransportChannelProvider channel() {
        return FixedTransportChannelProvider.create(
                GrpcTransportChannel.create(admin.channel().orElseThrow()));
    }

    public void createTopic(String topic) {
        try (TopicAdminClient admin = TopicAdminClient.create(TopicAdminSettings.newBuilder()
                .setTransportChannelProvider(channel())
                .setCredentialsProvider(NoCredentialsProvider.create())
                .build())) {
            admin.createTopic(TopicName.of(PROJECT, topic));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public void createSubscription(String topic, String subscription) {
        createSubscription(topic, subscription, "");
    }

    /** A subscription with message ordering on and an optional filter. */
    public void createSubscription(String topic, String subscription, String filter) {
        createSubscription(topic, subscription, filter, true);
    }

    public void createSubscription(String topic, String subscription, String filter, boolean ordered) {
        try (SubscriptionAdminClient admin = SubscriptionAdminClient.create(SubscriptionAdminSettings.newBuilder()
                .setTransportChannelProvider(channel())
                .setCredentialsProvider(NoCredentialsProvider.create())
                .build())) {
            admin.createSubscription(com.google.pubsub.v1.Subscription.newBuilder()
                    .setName(SubscriptionName.of(PROJECT, subscription).toString())
                    .setTopic(TopicName.of(PROJECT, topic).toString())
                    .setAckDeadlineSeconds(10)
                    .setEnableMessageOrdering(ordered)
                    .setFilter(filter)
                    .build());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Receives every message of a subscription into a list (acknowledging each). */
    public Received receive(String subscription) {
        return new Received(this, subscription);
    }

    /** Messages received so far by a streaming subscriber. */
    public static final class Received implements AutoCloseable {
        private final List<PubsubMessage> messages = new CopyOnWriteArrayList<>();
        private final com.google.cloud.pubsub.v1.Subscriber subscriber;

        Received(PubSubEmulator emulator, String subscription) {
            subscriber = com.google.cloud.pubsub.v1.Subscriber.newBuilder(
                            com.google.pubsub.v1.ProjectSubscriptionName.of(PROJECT, subscription),
                            (com.google.cloud.pubsub.v1.MessageReceiver) (m, ack) -> {
                                messages.add(m);
                                ack.ack();
                            })
                    .setChannelProvider(emulator.channel())
                    .setCredentialsProvider(NoCredentialsProvider.create())
                    .build();
            subscriber.startAsync().awaitRunning();
        }

        public List<PubsubMessage> messages() {
            return List.copyOf(messages);
        }

        @Override
        public void close() {
            subscriber.stopAsync();
        }
    }

    /** Publishes and waits for the server's acknowledgement; returns the message id. */
    public String publish(String topic, String data, Map<String, String> attributes) {
        Publisher publisher = null;
        try {
            publisher = Publisher.newBuilder(TopicName.of(PROJECT, topic))
                    .setChannelProvider(channel())
                    .setCredentialsProvider(NoCredentialsProvider.create())
                    .build();
            return publisher
                    .publish(PubsubMessage.newBuilder()
                            .setData(ByteString.copyFromUtf8(data))
                            .putAllAttributes(attributes)
                            .build())
                    .get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("publish failed: " + e, e);
        } finally {
            if (publisher != null) {
                publisher.shutdown();
                try {
                    publisher.awaitTermination(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    @Override
    public void close() {
        connection.close();
        admin.close();
        gate.close();
        kill(process);
    }

    /**
     * Stops the launcher script and the emulator JVM it started, and waits for both: a JVM still
     * shutting down after stop() returned could accept a publish that a test expects to fail.
     */
    private static void kill(Process process) {
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        all.add(process.toHandle());
        all.forEach(ProcessHandle::destroy);
        for (ProcessHandle p : all) {
            try {
                p.onExit().get(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException | TimeoutException e) {
                p.destroyForcibly();
            }
        }
    }
}
