package io.alfred.gitops.testing;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** A suite on one {@link TestCluster} (sandbox or real), each test in a namespace of its own. */
public abstract class ClusterSuite {
    protected static TestCluster cluster;
    protected static KubernetesClient client;
    private static final AtomicInteger COUNTER = new AtomicInteger();
    protected String ns;

    @BeforeAll
    static void startCluster() {
        cluster = TestCluster.start();
        client = cluster.client();
    }

    @AfterAll
    static void stopCluster() {
        client.close();
        cluster.close();
    }

    @BeforeEach
    void namespace() {
        ns = "t-" + COUNTER.incrementAndGet();
        TestCluster.createNamespaces(client, ns);
    }
}
