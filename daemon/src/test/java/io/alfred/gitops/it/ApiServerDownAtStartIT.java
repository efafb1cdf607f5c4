package io.alfred.gitops.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.alfred.gitops.sandbox.SandboxApiServer;
import io.alfred.gitops.testing.Await;
import io.alfred.gitops.testing.DaemonProcess;
import io.alfred.gitops.testing.TestCluster;
import io.alfred.gitops.testing.TestRepo;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged daemon started while its API server is down: alive, not ready, and it recovers without a restart. */
class ApiServerDownAtStartIT {
    @TempDir
    Path tmp;

    @Test
    void notReadyWhileTheApiServerIsDownThenRecoversWithoutRestart() throws Exception {
        int apiPort;
        try (ServerSocket s = new ServerSocket(0)) {
            apiPort = s.getLocalPort();
        }
        Path kubeconfig;
        try (SandboxApiServer once = TestCluster.sandboxOnPort(apiPort, "it stops and starts the API server")
                .sandboxServer()) {
            kubeconfig = once.writeKubeconfig(tmp.resolve("kubeconfig")); // the server is gone once this block ends
        }
        try (TestRepo repo = TestRepo.withExample(tmp.resolve("infra"));
                DaemonProcess daemon = DaemonProcess.start(
                        List.of(),
                        List.of("run", "--repo", repo.dir().toString(), "--cluster", "it", "--env", "dev"),
                        Map.of(
                                "KUBECONFIG",
                                kubeconfig.toString(),
                                "GITOPS_SOURCE_INTERVAL",
                                "1s",
                                "GITOPS_SOURCE_WORKDIR",
                                tmp.resolve("work").toString()),
                        tmp.resolve("daemon.log"))) {
            String head = repo.repository().resolve("HEAD").name();
            Await.until(() -> daemon.code("/q/health/live") == 200, Duration.ofSeconds(60), daemon::log);
            long downUntil = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (System.nanoTime() < downUntil) {
                assertThat(daemon.code("/q/health/ready"))
                        .as("ready while the API server is down")
                        .isEqualTo(503);
                assertThat(daemon.isAlive()).isTrue();
                Thread.sleep(250);
            }
            assertThat(daemon.body("/q/health/ready")).contains("API server unreachable");
            assertThat(daemon.code("/q/health/started"))
                    .as("k8s/'s startupProbe passes: the pod is not restarted")
                    .isEqualTo(200);
            assertThat(daemon.log().lines().filter(l -> l.contains("not ready until it answers")))
                    .as("the start-up says once, in one line, which server from which kubeconfig does not answer")
                    .singleElement()
                    .asString()
                    .contains("cluster: http://127.0.0.1:" + apiPort + "/ (from KUBECONFIG=" + kubeconfig
                            + "): connection refused");
            assertThat(daemon.log())
                    .as("the probes that answered 503 log nothing each (the line above said why)")
                    .doesNotContain("Reporting health down status");

            try (SandboxApiServer sandbox = TestCluster.sandboxOnPort(apiPort, "it stops and starts the API server")
                    .sandboxServer()) {
                Await.until(() -> daemon.code("/q/health/ready") == 200, Duration.ofSeconds(60), daemon::log);
                Await.until(
                        () -> daemon.body("/status").contains("\"lastAppliedRevision\":\"" + head + "\""),
                        Duration.ofSeconds(90),
                        () -> daemon.body("/status"));
                assertThat(sandbox.objectCount()).isGreaterThan(35);
            }
        }
    }
}
