package io.alfred.gitops.cluster;

import io.alfred.gitops.support.Background;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.RequestConfigBuilder;
import io.fabric8.kubernetes.client.VersionInfo;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.okhttp.OkHttpClientFactory;
import io.fabric8.kubernetes.client.utils.URLUtils;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The cluster the daemon keeps equal to git: the one of the kubeconfig (or the in-cluster service
 * account), or, with {@code --sandbox}, an in-process sandbox API server that lives as long as
 * this connection. Production code only ever sees the fabric8 client.
 */
public final class ClusterConnection implements AutoCloseable {
    /** Attempts after the first for a request answered 429 or 5xx, or lost to an I/O error. */
    public static final int RETRIES = 10;
    /** First backoff; fabric8 doubles it per attempt, up to 32 times this. */
    public static final int RETRY_BACKOFF_MS = 100;
    /** The HTTP transport of every client the product builds: {@link #client}. */
    private static final HttpClient.Factory HTTP = new OkHttpClientFactory();

    private final KubernetesClient client;
    private final Runnable onClose;
    private final ClusterOrigin origin;

    private ClusterConnection(KubernetesClient client, Runnable onClose, ClusterOrigin origin) {
        this.client = client;
        this.onClose = onClose;
        this.origin = origin;
    }

    /**
     * The cluster of the kubeconfig, or of the pod's service account when running in a cluster.
     *
     * @throws ClusterAccessException when there is neither: nothing to connect to
     */
    public static ClusterConnection fromEnvironment(Duration connectTimeout) {
        ClusterOrigin origin = locate();
        Config read;
        try {
            read = kubeconfig();
        } catch (RuntimeException e) {
            throw ClusterAccessException.unreadable(origin, e);
        }
        Config config = new ConfigBuilder(resilient(read))
                .withConnectionTimeout((int) connectTimeout.toMillis())
                .build();
        return new ClusterConnection(client(config), () -> {}, origin);
    }

    /**
     * A client of {@code config}'s cluster on the product's HTTP transport, OkHttp: every client the
     * product builds is built here. Against a real API server it speaks HTTP/2, all requests on one
     * connection (one TLS handshake; Vert.x opened about 10), and it costs less CPU per request than
     * the Vert.x transport the Quarkus extension brings: a cold apply of 1,001 objects took 0.4-0.6 s
     * less CPU (docs/performance.md, "Run I"). Closing the client stops its threads and connections.
     */
    public static KubernetesClient client(Config config) {
        return new KubernetesClientBuilder()
                .withHttpClientFactory(HTTP)
                .withConfig(config)
                .build();
    }

    /** The kubeconfig read by {@link #readKubeconfigAhead()}, for the next {@link #fromEnvironment} to take. */
    private static final AtomicReference<CompletableFuture<Config>> AHEAD = new AtomicReference<>();

    /**
     * Starts reading the kubeconfig on a thread of its own, for the next {@link #fromEnvironment} to
     * take: a command that will reach the cluster calls it before it reads its own settings. The
     * read is fabric8's first use in the process (its serialisation learns every model class,
     * 0.3-0.4 s), and the cluster is the critical path of {@code diff} and a no-op.
     */
    public static synchronized void readKubeconfigAhead() {
        if (AHEAD.get() == null) {
            AHEAD.set(Background.supply("gitops-kubeconfig", () -> Config.autoConfigure(null)));
        }
    }

    /** The kubeconfig read ahead, or read now; what the read threw, thrown here. */
    private static Config kubeconfig() {
        CompletableFuture<Config> ahead = AHEAD.getAndSet(null);
        return ahead == null ? Config.autoConfigure(null) : Background.join(ahead);
    }

    /**
     * Where the cluster would come from, checked without reading the kubeconfig: a quick answer for
     * a command with no cluster at all, before it fetches or renders anything.
     *
     * @throws ClusterAccessException when there is no kubeconfig and this is not a pod, or
     *     {@code KUBECONFIG} names no file
     */
    public static ClusterOrigin locate() {
        ClusterOrigin origin = ClusterOrigin.detect();
        if (origin.kind() == ClusterOrigin.Kind.NONE) {
            throw ClusterAccessException.notConfigured();
        }
        if (origin.kind() == ClusterOrigin.Kind.KUBECONFIG_ENV
                && !Files.isRegularFile(origin.file().orElseThrow())) {
            throw ClusterAccessException.kubeconfigMissing(
                    origin.file().orElseThrow().toString());
        }
        return origin;
    }

    /**
     * How the daemon talks to any API server: a request answered 429 or 5xx, or lost to an I/O
     * error, is retried by the fabric8 client with exponential backoff ({@link #RETRIES},
     * {@link #RETRY_BACKOFF_MS}). Objects are written by server-side apply or deleted, which a retry
     * cannot do twice; the outbox is written with resourceVersion preconditions, so a retried
     * write that had landed comes back as a conflict, which the outbox re-reads and retries.
     */
    public static Config resilient(Config base) {
        return new ConfigBuilder(base)
                .withRequestRetryBackoffLimit(RETRIES)
                .withRequestRetryBackoffInterval(RETRY_BACKOFF_MS)
                .build();
    }

    /** @param onClose what to stop with the connection (a sandbox server) */
    public static ClusterConnection of(KubernetesClient client, Runnable onClose, ClusterOrigin origin) {
        return new ClusterConnection(client, onClose, origin);
    }

    public KubernetesClient client() {
        return client;
    }

    public ClusterOrigin origin() {
        return origin;
    }

    /** The kubeconfig's user of the current context, empty when there is none (in a pod, say). */
    public String kubeconfigUser() {
        var context = client.getConfiguration().getCurrentContext();
        return context == null
                        || context.getContext() == null
                        || context.getContext().getUser() == null
                ? ""
                : context.getContext().getUser();
    }

    public String server() {
        return client.getMasterUrl().toString();
    }

    /**
     * This connection, once the API server answered within {@code timeout}; closed again, and the
     * failure thrown, when it did not.
     */
    public ClusterConnection verified(Duration timeout) {
        try {
            verify(timeout);
            return this;
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Asks the API server for its version once, without retries, within {@code timeout}: the
     * quick answer to "can this cluster be used at all?".
     *
     * @return the server's version
     * @throws ClusterAccessException naming the server, where it came from, and what went wrong
     */
    public String verify(Duration timeout) {
        // the client's own HTTP client without its retries: the probe's connection (its TLS set-up
        // included) is the one the command goes on with. It shares the client's connections, so it
        // is not closed: closing it would close them.
        HttpClient once = client.getHttpClient()
                .newBuilder()
                .tag(new RequestConfigBuilder().withRequestRetryBackoffLimit(0).build())
                .build();
        HttpRequest request = once.newHttpRequestBuilder()
                .uri(URLUtils.join(client.getMasterUrl().toString(), "version"))
                .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .build();
        HttpResponse<String> response;
        try {
            response = once.sendAsync(request, String.class).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw accessFailure(new KubernetesClientException(String.valueOf(cause.getMessage()), cause));
        } catch (TimeoutException e) {
            throw accessFailure(new KubernetesClientException("no answer within " + timeout, e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw accessFailure(new KubernetesClientException("interrupted", e));
        }
        if (!response.isSuccessful()) {
            throw accessFailure(new KubernetesClientException(statusOf(response)));
        }
        return client.getKubernetesSerialization()
                .unmarshal(response.body(), VersionInfo.class)
                .getGitVersion();
    }

    /** The server's Status for a refused request, or one made of its code and body. */
    private Status statusOf(HttpResponse<String> response) {
        String body = response.body() == null ? "" : response.body();
        try {
            Status status = client.getKubernetesSerialization().unmarshal(body, Status.class);
            if (status != null && status.getCode() != null) {
                return status;
            }
        } catch (RuntimeException notAStatus) {
            // an answer that is not a Kubernetes Status (a proxy's page, say)
        }
        return new StatusBuilder()
                .withCode(response.code())
                .withMessage(body.isBlank() ? "HTTP " + response.code() : body.strip())
                .build();
    }

    /**
     * A client of the same cluster that asks once: no retries, and {@code timeout} to connect and to
     * answer (the daemon's client retries for many seconds, longer than a probe may take).
     */
    public static KubernetesClient askingOnce(KubernetesClient client, Duration timeout) {
        return client(new ConfigBuilder(client.getConfiguration())
                .withRequestRetryBackoffLimit(0)
                .withConnectionTimeout((int) timeout.toMillis())
                .withRequestTimeout((int) timeout.toMillis())
                .build());
    }

    /** A failure of this cluster as the one line a person reads: an access problem gets its own wording. */
    public ClusterAccessException accessFailure(Throwable failure) {
        Optional<ClusterFailure> known = ClusterFailure.of(failure);
        String reason = known.map(ClusterFailure::reason)
                .orElseGet(() -> "the API server cannot be used: " + failure.getMessage());
        if (known.map(ClusterFailure::isAddressProblem).orElse(true)) {
            reason += "; " + origin.whatToCheck();
        }
        return new ClusterAccessException(server(), origin, reason, failure);
    }

    @Override
    public void close() {
        client.close();
        onClose.run();
    }
}
