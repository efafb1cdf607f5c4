package io.alfred.gitops.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.alfred.gitops.Stage;
import io.alfred.gitops.config.Settings;
import io.alfred.gitops.events.DeployEvent;
import io.alfred.gitops.events.EventType;
import io.alfred.gitops.reconcile.CycleResult;
import io.alfred.gitops.reconcile.CycleRunner;
import io.alfred.gitops.reconcile.SyncStatus;
import io.alfred.gitops.reconcile.Wiring;
import io.alfred.gitops.sandbox.SandboxApiServer;
import io.alfred.gitops.testing.TestCluster;
import io.alfred.gitops.testing.TestRepo;
import io.alfred.gitops.testing.TestSettings;
import io.alfred.gitops.trigger.Trigger;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The git side failing or growing: an unreachable remote for several intervals, history rewritten
 * to an older commit, a 50 MB file, 10,000 files. (A symlink out of the checkout and a remote
 * Kustomize base are refused at render: {@code RenderErrorsTest}.)
 */
class GitFaultsTest {
    static final String NS = "alfred-platform";

    @TempDir
    Path tmp;

    TestRepo repo;
    SandboxApiServer sandbox;
    KubernetesClient client;
    SyncStatus status;
    CycleRunner runner;
    final List<DeployEvent> events = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() {
        repo = TestRepo.withExample(tmp.resolve("infra"));
        sandbox = TestCluster.sandbox("it counts the server's objects").sandboxServer();
        client = sandbox.client();
        status = new SyncStatus();
        Settings settings = TestSettings.overlay(repo.url(), "dev", tmp.resolve("work"));
        runner = Wiring.runner(settings, client, status, CycleRunner.Outlets.events(events::add));
    }

    @AfterEach
    void tearDown() {
        runner.close();
        client.close();
        sandbox.close();
        repo.close();
    }

    private CycleResult interval() {
        return runner.runOnce(Trigger.of(Trigger.Kind.SCHEDULE));
    }

    private int replicas(String deployment) {
        return client.apps()
                .deployments()
                .inNamespace(NS)
                .withName(deployment)
                .get()
                .getSpec()
                .getReplicas();
    }

    @Test
    void aRemoteDownForSeveralIntervalsFailsEachCleanlyThenConverges() throws Exception {
        assertThat(interval().outcome()).isEqualTo(CycleResult.Outcome.SUCCEEDED);
        int objects = sandbox.objectCount();
        Path away = tmp.resolve("away");
        Files.move(repo.dir(), away);
        for (int i = 0; i < 3; i++) {
            CycleResult down = interval();
            assertThat(down.outcome()).isEqualTo(CycleResult.Outcome.FAILED);
            assertThat(down.error().stage()).isEqualTo(Stage.FETCH);
            assertThat(down.error().getMessage())
                    .contains(repo.dir().getFileName().toString());
            assertThat(sandbox.objectCount()).as("nothing touched").isEqualTo(objects);
        }
        assertThat(events)
                .filteredOn(e -> e.type() == EventType.FAILED)
                .as("a repeated failure is published once")
                .hasSize(1);
        Files.move(away, repo.dir());
        String fixed = repo.edit("infra/k8s/overlays/dev/patches/set-replicas.yaml", "replicas: 1", "replicas: 2")
                .commit("scale while the remote was down");
        CycleResult back = interval();
        assertThat(back.outcome()).as(String.valueOf(back.error())).isEqualTo(CycleResult.Outcome.SUCCEEDED);
        assertThat(back.revision().sha()).isEqualTo(fixed);
        assertThat(replicas("agent-core")).isEqualTo(2);
    }

    @Test
    void aForcePushToAnOlderCommitIsAppliedAsTheNewTruth() throws Exception {
        String first = repo.repository().resolve("HEAD").name();
        assertThat(interval().outcome()).isEqualTo(CycleResult.Outcome.SUCCEEDED);
        repo.edit("infra/k8s/base/ui/ui-chat.yaml", "ui-chat:latest", "ui-chat:7.0")
                .commit("ui 7");
        assertThat(interval().outcome()).isEqualTo(CycleResult.Outcome.SUCCEEDED);
        assertThat(image("ui-chat")).endsWith("ui-chat:7.0");

        repo.resetHard(first);
        CycleResult rewound = interval();
        assertThat(rewound.outcome()).as(String.valueOf(rewound.error())).isEqualTo(CycleResult.Outcome.SUCCEEDED);
        assertThat(rewound.revision().sha()).isEqualTo(first);
        assertThat(image("ui-chat")).endsWith("ui-chat:latest");
        assertThat(status.view().lastAppliedRevision()).isEqualTo(first);
    }

    private String image(String deployment) {
        return client.apps()
                .deployments()
                .inNamespace(NS)
                .withName(deployment)
                .get()
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getImage();
    }

    @Test
    void aFiftyMegabyteFileAndTenThousandFilesAreFetchedAndLeftOutOfTheRender() throws Exception {
        assertThat(interval().outcome()).isEqualTo(CycleResult.Outcome.SUCCEEDED);
        byte[] blob = new byte[50 * 1024 * 1024];
        new Random(1).nextBytes(blob); // incompressible
        String big = repo.writeBytes("assets/dataset.bin", blob).commit("a 50 MB file");
        CycleResult withBlob = interval();
        assertThat(withBlob.outcome()).as(String.valueOf(withBlob.error())).isEqualTo(CycleResult.Outcome.NOOP);
        assertThat(withBlob.revision().sha()).isEqualTo(big);

        for (int i = 0; i < 10_000; i++) {
            repo.write("docs/page-" + (i / 100) + "/" + i + ".md", "# page " + i + "\n");
        }
        String many = repo.edit("infra/k8s/overlays/dev/patches/set-replicas.yaml", "replicas: 1", "replicas: 2")
                .commit("10,000 files and a change");
        CycleResult withFiles = interval();
        assertThat(withFiles.outcome()).as(String.valueOf(withFiles.error())).isEqualTo(CycleResult.Outcome.SUCCEEDED);
        assertThat(withFiles.revision().sha()).isEqualTo(many);
        assertThat(replicas("agent-core")).isEqualTo(2);
    }
}
