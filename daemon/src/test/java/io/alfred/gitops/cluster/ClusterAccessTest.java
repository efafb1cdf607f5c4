package io.alfred.gitops.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every way an API server cannot be used gets its own one-line wording naming the server and where
 * it came from, found by one request without retries: real sockets for DNS, refused and silent
 * servers, fabric8's mock API server (over TLS) for 401, 403 and an untrusted certificate.
 */
class ClusterAccessTest {
    static final Duration TIMEOUT = Duration.ofMillis(700);

    @TempDir
    Path tmp;

    private ClusterOrigin kubeconfig() {
        return new ClusterOrigin(ClusterOrigin.Kind.KUBECONFIG_ENV, Optional.of(tmp.resolve("config")));
    }

    /** A client as the daemon builds one (retries on), for a server URL. */
    private ClusterConnection connectionTo(String url, boolean trustCerts) {
        Config config = new ConfigBuilder(ClusterConnection.resilient(Config.empty()))
                .withMasterUrl(url)
                .withTrustCerts(trustCerts)
                .withOauthToken("abc")
                .build();
        return ClusterConnection.of(ClusterConnection.client(config), () -> {}, kubeconfig());
    }

    private String failureOf(ClusterConnection cluster) {
        try (cluster) {
            assertThatThrownBy(() -> cluster.verify(TIMEOUT)).isInstanceOf(ClusterAccessException.class);
            try {
                cluster.verify(TIMEOUT);
                return "";
            } catch (ClusterAccessException e) {
                return e.getMessage();
            }
        }
    }

    @Test
    void anUnknownHostIsADnsFailure() {
        String message = failureOf(connectionTo("https://no-such-host.invalid:6443", false));
        assertThat(message)
                .startsWith(
                        "cluster: https://no-such-host.invalid:6443/ (from KUBECONFIG=" + tmp.resolve("config") + "): ")
                .contains("cannot resolve host no-such-host.invalid")
                .contains("(DNS)")
                .contains("check the current context's server in " + tmp.resolve("config"));
    }

    @Test
    void aClosedPortIsARefusedConnection() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        assertThat(failureOf(connectionTo("https://127.0.0.1:" + port, false))).contains("connection refused");
    }

    @Test
    void aSilentServerTimesOutAfterOneConnectionNotAfterRetries() throws Exception {
        List<Socket> accepted = new CopyOnWriteArrayList<>();
        try (ServerSocket silent = new ServerSocket(0)) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        accepted.add(silent.accept()); // never answers
                    }
                } catch (IOException e) {
                    // closed
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            String message = failureOf(connectionTo("https://127.0.0.1:" + silent.getLocalPort(), false));
            assertThat(message).contains("no answer").contains("gitops.cluster.connect-timeout");
            assertThat(accepted)
                    .as("one connection per verify(): the probe does not retry")
                    .hasSize(2);
        } finally {
            for (Socket s : accepted) {
                s.close();
            }
        }
    }

    /** The transport's call timeout, which a silent server meets first on a busy machine, is no answer too. */
    @Test
    void theTransportsCallTimeoutIsNoAnswer() {
        var failure = new KubernetesClientException("timeout", new InterruptedIOException("timeout"));
        assertThat(ClusterFailure.of(failure))
                .hasValueSatisfying(f -> assertThat(f.kind()).isEqualTo(ClusterFailure.Kind.TIMEOUT));
        assertThat(ClusterFailure.of(new InterruptedIOException("interrupted"))).isEmpty();
    }

    @Test
    void anUntrustedCertificateIsATlsFailure() {
        KubernetesMockServer server = new KubernetesMockServer(true);
        server.init();
        try {
            String url = server.createClient().getMasterUrl().toString();
            String message = failureOf(connectionTo(url, false));
            assertThat(message).contains("TLS handshake failed").contains("certificate-authority");
        } finally {
            server.destroy();
        }
    }

    @Test
    void refusedCredentialsAre401() {
        KubernetesMockServer server = new KubernetesMockServer(false);
        server.expect()
                .get()
                .withPath("/version")
                .andReturn(401, status(401, "Unauthorized", "Unauthorized"))
                .always();
        server.init();
        try {
            String message =
                    failureOf(connectionTo(server.createClient().getMasterUrl().toString(), true));
            assertThat(message)
                    .contains("credentials refused (401 Unauthorized)")
                    .as("no address hint when the credentials are the problem")
                    .doesNotContain("check the current context");
        } finally {
            server.destroy();
        }
    }

    /** The real API server's RBAC denial, as kube-apiserver words it; the daemon names verb, resource and namespace. */
    @Test
    void aMissingPermissionIs403NamingVerbResourceAndNamespace() {
        KubernetesMockServer server = new KubernetesMockServer(false);
        server.expect()
                .get()
                .withPath("/apis/apps/v1/namespaces/alfred-platform/deployments")
                .andReturn(
                        403,
                        status(
                                403,
                                "Forbidden",
                                "deployments.apps is forbidden: User "
                                        + "\"system:serviceaccount:alfred-gitops:alfred-gitops\""
                                        + " cannot list resource \"deployments\" in API group \"apps\" "
                                        + "in the namespace \"alfred-platform\""))
                .always();
        server.expect()
                .get()
                .withPath("/api/v1/namespaces")
                .andReturn(
                        403,
                        status(
                                403,
                                "Forbidden",
                                "namespaces is forbidden: User \"bob\" cannot list resource "
                                        + "\"namespaces\" in API group \"\" at the cluster scope"))
                .always();
        server.init();
        try (ClusterConnection cluster =
                connectionTo(server.createClient().getMasterUrl().toString(), true)) {
            KubernetesClientException listing = catchList(() -> cluster.client()
                    .apps()
                    .deployments()
                    .inNamespace("alfred-platform")
                    .list());
            assertThat(ClusterFailure.of(listing))
                    .get()
                    .extracting(ClusterFailure::kind)
                    .isEqualTo(ClusterFailure.Kind.FORBIDDEN);
            assertThat(cluster.accessFailure(listing).getMessage())
                    .contains("forbidden (403): "
                            + "system:serviceaccount:alfred-gitops:alfred-gitops may not list "
                            + "deployments.apps in namespace alfred-platform");
            KubernetesClientException clusterScoped =
                    catchList(() -> cluster.client().namespaces().list());
            assertThat(cluster.accessFailure(clusterScoped).getMessage())
                    .contains("bob may not list namespaces at cluster scope");
        } finally {
            server.destroy();
        }
    }

    @Test
    void anObjectTheServerRejectsIsNoAccessProblem() {
        KubernetesClientException invalid = new KubernetesClientException(
                "invalid", 422, status(422, "Invalid", "Deployment.apps \"x\" is invalid"));
        assertThat(ClusterFailure.isAccessProblem(invalid)).isFalse();
    }

    @Test
    void whereTheClusterCameFrom() throws IOException {
        Path home = tmp.resolve("home");
        assertThat(ClusterOrigin.detect(Map.of("KUBECONFIG", "/a/config:/b/config"), home)
                        .describe())
                .isEqualTo("KUBECONFIG=/a/config");
        assertThat(ClusterOrigin.detect(Map.of(), home).kind()).isEqualTo(ClusterOrigin.Kind.NONE);
        Files.createDirectories(home.resolve(".kube"));
        Files.writeString(home.resolve(".kube/config"), "apiVersion: v1\nkind: Config\n");
        assertThat(ClusterOrigin.detect(Map.of(), home).describe())
                .isEqualTo("kubeconfig " + home.resolve(".kube/config"));
    }

    private static KubernetesClientException catchList(Runnable list) {
        try {
            list.run();
        } catch (KubernetesClientException e) {
            return e;
        }
        throw new AssertionError("the request was not refused");
    }

    private static Status status(int code, String reason, String message) {
        return new StatusBuilder()
                .withStatus("Failure")
                .withCode(code)
                .withReason(reason)
                .withMessage(message)
                .build();
    }
}
