package io.alfred.gitops.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.alfred.gitops.testing.Await;
import io.alfred.gitops.testing.DaemonProcess;
import io.alfred.gitops.testing.TestCluster;
import io.alfred.gitops.testing.TestRepo;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two packaged daemons with leader election on the suites' cluster (the real control plane in CI):
 * one leads and applies; killed with SIGKILL, it cannot release its Lease, and the standby takes over
 * once the Lease expires (15 s) and applies the commit that arrived meanwhile.
 */
class LeaderTakeoverIT {
    @TempDir
    Path tmp;

    @Test
    void aStandbyTakesOverWhenTheLeaderIsKilled() throws Exception {
        try (TestCluster cluster = TestCluster.start();
                KubernetesClient client = cluster.client();
                TestRepo repo = TestRepo.create(tmp.resolve("infra"))) {
            Path kubeconfig = cluster.writeKubeconfig(tmp.resolve("kubeconfig"));
            repo.write("app/ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n");
            repo.write("app/cm.yaml", configMap("1"));
            String first = repo.commit("settings 1");
            try (DaemonProcess a = start("daemon-a", repo, kubeconfig);
                    DaemonProcess b = start("daemon-b", repo, kubeconfig)) {
                Await.until(
                        () -> (leads(a) || leads(b)) && first.equals(applied(leads(a) ? a : b)),
                        Duration.ofSeconds(90),
                        () -> a.log() + "\n" + b.log());
                DaemonProcess leader = leads(a) ? a : b;
                DaemonProcess standby = leader == a ? b : a;
                assertThat(leads(standby)).as("one leader").isFalse();

                leader.kill(); // SIGKILL: the Lease is not released
                String second = repo.write("app/cm.yaml", configMap("2")).commit("settings 2");
                long killed = System.nanoTime();
                Await.until(
                        () -> leads(standby) && second.equals(applied(standby)), Duration.ofSeconds(90), standby::log);
                long tookMs = (System.nanoTime() - killed) / 1_000_000;
                assertThat(client.configMaps()
                                .inNamespace("shop")
                                .withName("settings")
                                .get()
                                .getData())
                        .containsEntry("value", "2");
                System.out.printf(
                        "leader killed with SIGKILL: the standby applied the next commit %d ms later%n", tookMs);
            }
        }
    }

    private DaemonProcess start(String name, TestRepo repo, Path kubeconfig) throws IOException {
        Map<String, String> env = Map.of(
                "KUBECONFIG",
                kubeconfig.toString(),
                "HOSTNAME",
                name,
                "GITOPS_LEADER_ELECTION_ENABLED",
                "true",
                "GITOPS_SOURCE_INTERVAL",
                "2s",
                "GITOPS_SOURCE_WORKDIR",
                tmp.resolve("work-" + name).toString());
        return DaemonProcess.start(
                List.of(),
                List.of("run", "--repo", repo.dir().toString(), "--path", "app", "--cluster", "it", "--env", "dev"),
                env,
                tmp.resolve(name + ".log"));
    }

    private static String configMap(String value) {
        return "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: shop}\ndata: {value: \"" + value
                + "\"}\n";
    }

    private static boolean leads(DaemonProcess daemon) {
        return daemon.isAlive() && daemon.status().path("leader").asBoolean(false);
    }

    private static String applied(DaemonProcess daemon) {
        return daemon.status().path("lastAppliedRevision").asText("");
    }
}
