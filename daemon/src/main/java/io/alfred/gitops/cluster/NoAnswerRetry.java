package io.alfred.gitops.cluster;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.function.Supplier;

/**
 * Retries a request that got no answer at all: a dropped or closed connection or a timeout, which
 * the fabric8 client reports without an HTTP status when its own retries (429, 5xx and
 * {@code IOException}s: {@link ClusterConnection#resilient}) do not cover it.
 * Only for requests that may safely run twice: reads, dry runs, server-side applies, deletes.
 */
public final class NoAnswerRetry {
    static final int ATTEMPTS = 5;
    static final long FIRST_BACKOFF_MS = 100;

    private NoAnswerRetry() {}

    public static <T> T call(Supplier<T> request) {
        long backoff = FIRST_BACKOFF_MS;
        for (int attempt = 1; ; attempt++) {
            try {
                return request.get();
            } catch (KubernetesClientException e) {
                if (e.getCode() > 0 || e.getStatus() != null || attempt == ATTEMPTS) {
                    throw e;
                }
            }
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KubernetesClientException("interrupted while retrying a request that got no answer", e);
            }
            backoff *= 2;
        }
    }
}
