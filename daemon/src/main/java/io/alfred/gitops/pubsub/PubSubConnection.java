package io.alfred.gitops.pubsub;

import com.google.api.gax.core.CredentialsProvider;
import com.google.api.gax.core.GoogleCredentialsProvider;
import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.GrpcTransportChannel;
import com.google.api.gax.rpc.FixedTransportChannelProvider;
import com.google.api.gax.rpc.TransportChannelProvider;
import com.google.cloud.pubsub.v1.stub.PublisherStubSettings;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * How to reach Pub/Sub: Google's endpoint with Application Default Credentials, or the emulator
 * named by {@code PUBSUB_EMULATOR_HOST} over a plaintext channel without credentials (the client
 * library does not read that variable by itself).
 */
public final class PubSubConnection implements AutoCloseable {
    private final ManagedChannel channel;

    private PubSubConnection(ManagedChannel channel) {
        this.channel = channel;
    }

    public static PubSubConnection fromEnvironment() {
        String emulator = System.getenv("PUBSUB_EMULATOR_HOST");
        return emulator == null || emulator.isBlank() ? new PubSubConnection(null) : emulator(emulator);
    }

    public static PubSubConnection emulator(String hostAndPort) {
        return new PubSubConnection(
                ManagedChannelBuilder.forTarget(hostAndPort).usePlaintext().build());
    }

    public TransportChannelProvider channelProvider() {
        return channel != null
                ? FixedTransportChannelProvider.create(GrpcTransportChannel.create(channel))
                : PublisherStubSettings.defaultGrpcTransportProviderBuilder().build();
    }

    public CredentialsProvider credentials() {
        return channel != null
                ? NoCredentialsProvider.create()
                : GoogleCredentialsProvider.newBuilder()
                        .setScopesToApply(PublisherStubSettings.getDefaultServiceScopes())
                        .build();
    }

    /**
     * Why Pub/Sub could not be reached, and what to do: missing credentials say how to provide
     * them (the client library's own text points at a web page only).
     */
    public static String describe(IOException e) {
        String message = String.valueOf(e.getMessage());
        if (message.contains("default credentials were not found")) {
            return "no Google credentials: run gcloud auth application-default login or set"
                    + " GOOGLE_APPLICATION_CREDENTIALS (for the emulator, set PUBSUB_EMULATOR_HOST)";
        }
        return message;
    }

    public Optional<ManagedChannel> channel() {
        return Optional.ofNullable(channel);
    }

    @Override
    public void close() {
        if (channel != null) {
            channel.shutdown();
            try {
                channel.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
