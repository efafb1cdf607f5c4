package io.alfred.gitops.sandbox;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * An in-process Kubernetes API server for tests and for {@code --sandbox}: fabric8's mock server
 * with a dispatcher that gives server-side apply, dry runs, generation, status subresources,
 * discovery, validation and fault injection the semantics of kube-apiserver (see docs/design.md,
 * "Sandbox API server", for what it simulates and where it differs). Listens on loopback only.
 */
public final class SandboxApiServer implements AutoCloseable {
    private final SandboxDispatcher dispatcher = new SandboxDispatcher();
    private final KubernetesMockServer server;
    private FrontProxy proxy;

    private SandboxApiServer() {
        server = new KubernetesMockServer(
                new Context(Serialization.jsonMapper()), new MockWebServer(), new HashMap<>(), dispatcher, false);
    }

    /** Starts on a free loopback port, with the namespaces every cluster has. */
    public static SandboxApiServer start() {
        return start(0);
    }

    public static SandboxApiServer start(int port) {
        SandboxApiServer sandbox = new SandboxApiServer();
        sandbox.server.start(InetAddress.getLoopbackAddress(), 0);
        try {
            sandbox.proxy = new FrontProxy(
                    port, sandbox.server.getPort(), sandbox.dispatcher.faults(), sandbox.dispatcher.httpWatches());
        } catch (IOException e) {
            sandbox.server.shutdown();
            throw new UncheckedIOException("cannot listen on 127.0.0.1:" + port, e);
        }
        sandbox.dispatcher.serverAddress("127.0.0.1:" + sandbox.proxy.port());
        try (KubernetesClient client = sandbox.client()) {
            for (String ns : new String[] {"default", "kube-system", "kube-public", "kube-node-lease"}) {
                client.namespaces()
                        .resource(new NamespaceBuilder()
                                .withNewMetadata()
                                .withName(ns)
                                .endMetadata()
                                .build())
                        .create();
            }
        }
        return sandbox;
    }

    /** The API server's URL (through the fault proxy). */
    public String url() {
        return "http://127.0.0.1:" + proxy.port();
    }

    public int port() {
        return proxy.port();
    }

    public Faults faults() {
        return dispatcher.faults();
    }

    public Controllers controllers() {
        return dispatcher.controllers();
    }

    /** API requests (not discovery) served since the last reset, by verb; dry runs counted apart. */
    public Map<String, Long> requestCounts() {
        return dispatcher.requestCounts();
    }

    /** The watch cache, for tests of its window. */
    WatchHub watchHub() {
        return dispatcher.store().watches();
    }

    /** Requests served so far by verb and resource ({@code LIST configmaps}). */
    public Map<String, Long> requestCountsByResource() {
        return dispatcher.requestCountsByResource();
    }

    public void resetRequestCounts() {
        dispatcher.resetRequestCounts();
    }

    /** Number of objects stored. */
    public int objectCount() {
        return dispatcher.store().size();
    }

    public Config config() {
        return new ConfigBuilder(Config.empty())
                .withMasterUrl(url())
                .withNamespace("default")
                .withTrustCerts(true)
                .withRequestRetryBackoffLimit(0)
                .build();
    }

    /** A new fabric8 client for this server; the caller closes it. */
    public KubernetesClient client() {
        return new KubernetesClientBuilder().withConfig(config()).build();
    }

    /** Writes a kubeconfig for kubectl and other tools. */
    public Path writeKubeconfig(Path file) {
        String yaml = """
                apiVersion: v1
                kind: Config
                clusters:
                - name: alfred-sandbox
                  cluster:
                    server: %s
                contexts:
                - name: alfred-sandbox
                  context:
                    cluster: alfred-sandbox
                    user: alfred-sandbox
                    namespace: default
                current-context: alfred-sandbox
                users:
                - name: alfred-sandbox
                  user:
                    token: sandbox
                """.formatted(url());
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, yaml, StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write kubeconfig " + file, e);
        }
    }

    @Override
    public void close() {
        if (proxy != null) {
            proxy.close();
        }
        server.shutdown();
    }
}
