package io.alfred.gitops.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.pubsub.v1.PubsubMessage;
import io.alfred.gitops.Revision;
import io.alfred.gitops.config.RenderSettings;
import io.alfred.gitops.render.KustomizeOutputs;
import io.alfred.gitops.render.Manifest;
import io.alfred.gitops.render.RenderResult;
import io.alfred.gitops.render.Renderer;
import io.alfred.gitops.testing.Await;
import io.alfred.gitops.testing.DaemonProcess;
import io.alfred.gitops.testing.PubSubEmulator;
import io.alfred.gitops.testing.TestCluster;
import io.alfred.gitops.testing.TestRepo;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mvn -Preliability verify}: the packaged daemon killed with SIGKILL at random points of 20
 * cycles, each on a new commit that changes a value and replaces an object (so that every cycle
 * also prunes). After the last restart the cluster must equal the newest commit, the inventory
 * must list exactly its objects, nothing the daemon manages may be left over, and every event that
 * ever entered the outbox must reach a Pub/Sub subscriber, each ce-id once after deduplication.
 */
class KillNineSoakIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String NS = "alfred-platform";
    static final int CYCLES = 20;

    @TempDir
    Path tmp;

    @Test
    void killedAtRandomPointsItConvergesAndLosesNoEvent() throws Exception {
        Random random = new Random(Long.getLong("soak.seed", 9));
        try (PubSubEmulator emulator = PubSubEmulator.startOrSkip();
                TestCluster sandbox = TestCluster.start();
                KubernetesClient client = sandbox.client();
                TestRepo repo = TestRepo.withExample(tmp.resolve("infra"))) {
            emulator.createTopic("deploy-events");
            emulator.createSubscription("deploy-events", "audit");
            Path kubeconfig = sandbox.writeKubeconfig(tmp.resolve("kubeconfig"));
            Map<String, String> outboxIds = new ConcurrentHashMap<>(); // every ce-id ever stored, with its type
            try (Watch ignored = watchOutbox(client, outboxIds)) {
                Map<String, String> env = Map.of(
                        "KUBECONFIG",
                        kubeconfig.toString(),
                        "PUBSUB_EMULATOR_HOST",
                        emulator.hostAndPort(),
                        "GITOPS_PUBSUB_PROJECT",
                        PubSubEmulator.PROJECT,
                        "GITOPS_EVENTS_TOPIC",
                        "deploy-events",
                        "GITOPS_SOURCE_INTERVAL",
                        "1s",
                        "GITOPS_SOURCE_WORKDIR",
                        tmp.resolve("work").toString(),
                        // one instance: with leader election a restarted daemon would first wait for the dead one's
                        // lease
                        "GITOPS_LEADER_ELECTION_ENABLED",
                        "false",
                        "QUARKUS_LOG_CATEGORY__IO_ALFRED_GITOPS_EVENTS__LEVEL",
                        "DEBUG");
                List<String> args =
                        List.of("run", "--repo", repo.dir().toString(), "--cluster", "soak", "--env", "dev");
                Path log = Path.of("daemon/target/soak/kill-nine-daemon.log"); // kept for a look after a failure
                Files.createDirectories(log.getParent());
                Files.deleteIfExists(log);
                int kills = 0;
                for (int i = 1; i <= CYCLES; i++) {
                    commit(repo, i);
                    DaemonProcess daemon = DaemonProcess.start(List.of(), args, env, log);
                    // a point anywhere from start-up to the end of the cycle (fetch, plan, apply, wait, prune, publish)
                    if (random.nextInt(5) > 0) {
                        Await.until(() -> daemon.code("/q/health/live") == 200, Duration.ofSeconds(60), daemon::log);
                    }
                    Thread.sleep(random.nextInt(6000));
                    daemon.kill();
                    kills++;
                }
                String head = repo.repository().resolve("HEAD").name();
                try (DaemonProcess daemon = DaemonProcess.start(List.of(), args, env, log)) {
                    Await.until(
                            () -> daemon.body("/status").contains("\"lastAppliedRevision\":\"" + head + "\""),
                            Duration.ofMinutes(3),
                            () -> daemon.body("/status"));
                    Await.until(() -> outboxEmpty(client), Duration.ofMinutes(2), () -> "outbox still holds events");
                    // the subscription kept every message; a streaming subscriber idle through the whole run
                    // would only have to survive the emulator's stream timeouts
                    PubSubEmulator.Received audit = emulator.receive("audit");
                    Await.until(
                            () -> received(audit).keySet().containsAll(outboxIds.keySet()),
                            Duration.ofMinutes(2),
                            () -> "never received: "
                                    + missing(outboxIds, audit).stream()
                                            .map(id -> id + " " + outboxIds.get(id))
                                            .toList());

                    RenderResult render = new Renderer(
                                    new RenderSettings(
                                            "auto",
                                            Duration.ofMinutes(1),
                                            Map.of("cluster_name", "soak", "cluster_env", "dev")),
                                    KustomizeOutputs.NONE)
                            .render(repo.dir(), "infra/k8s/overlays/dev", Revision.of(head));
                    assertClusterEqualsRender(client, render);
                    Map<String, Integer> deliveries = received(audit);
                    int duplicates =
                            deliveries.values().stream().mapToInt(n -> n - 1).sum();
                    Set<String> lost = missing(outboxIds, audit);
                    long started = outboxIds.values().stream()
                            .filter(t -> t.endsWith(".started"))
                            .count();
                    long finished = outboxIds.values().stream()
                            .filter(t -> t.endsWith(".succeeded")
                                    || t.endsWith(".failed")
                                    || t.endsWith(".blocked")
                                    || t.endsWith(".rolledback"))
                            .count();
                    System.out.printf(
                            "%nkill -9 soak: %d kills over %d commits; %d cycles started, %d finished (the others were"
                                    + " killed); %d events stored, %d delivered, %d lost, %d duplicated "
                                    + "by ce-id; converged on %s%n",
                            kills,
                            CYCLES,
                            started,
                            finished,
                            outboxIds.size(),
                            deliveries.size(),
                            lost.size(),
                            duplicates,
                            head);
                    assertThat(lost).isEmpty();
                    assertThat(outboxIds).as("events were stored").hasSizeGreaterThan(CYCLES);
                    assertThat(outboxIds.values()).contains("io.alfred.gitops.sync.succeeded");
                    audit.close();
                }
            }
        }
    }

    /**
     * Commit i: a new value in the dev ConfigMap and an extra ConfigMap named after i (the previous one must be
     * pruned).
     */
    private static void commit(TestRepo repo, int i) {
        String config = repo.read("infra/k8s/overlays/dev/dev-config.yaml");
        int cut = config.indexOf("\n---\n# soak");
        String base = cut < 0 ? config : config.substring(0, cut + 1);
        repo.write(
                        "infra/k8s/overlays/dev/dev-config.yaml",
                        base + "---\n# soak\napiVersion: v1\nkind: ConfigMap\n" + "metadata: {name: soak-extra-" + i
                                + ", namespace: alfred-platform}\ndata: {cycle: \"" + i + "\"}\n")
                .commit("soak " + i);
    }

    private static Watch watchOutbox(KubernetesClient client, Map<String, String> ids) {
        return client.configMaps()
                .inAnyNamespace()
                .withField("metadata.name", "alfred-gitops-outbox")
                .watch(new Watcher<>() {
                    @Override
                    public void eventReceived(Action action, ConfigMap cm) {
                        if (cm.getData() != null) {
                            cm.getData().values().forEach(v -> {
                                try {
                                    JsonNode e = JSON.readTree(v);
                                    ids.put(
                                            e.path("id").asText(),
                                            e.path("type").asText());
                                } catch (Exception ignored) {
                                    // not an event
                                }
                            });
                        }
                    }

                    @Override
                    public void onClose(WatcherException cause) {}
                });
    }

    private static boolean outboxEmpty(KubernetesClient client) {
        return client
                .configMaps()
                .inAnyNamespace()
                .withField("metadata.name", "alfred-gitops-outbox")
                .list()
                .getItems()
                .stream()
                .allMatch(cm -> cm.getData() == null || cm.getData().isEmpty());
    }

    private static Map<String, Integer> received(PubSubEmulator.Received audit) {
        Map<String, Integer> out = new HashMap<>();
        for (PubsubMessage m : audit.messages()) {
            out.merge(m.getAttributesOrDefault("ce-id", ""), 1, Integer::sum);
        }
        return out;
    }

    private static Set<String> missing(Map<String, String> stored, PubSubEmulator.Received audit) {
        Set<String> lost = new TreeSet<>(stored.keySet());
        lost.removeAll(received(audit).keySet());
        return lost;
    }

    private static void assertClusterEqualsRender(KubernetesClient client, RenderResult render) {
        Set<String> wanted = new HashSet<>();
        Map<String, String> kinds = new LinkedHashMap<>();
        for (Manifest m : render.manifests()) {
            wanted.add(
                    m.ref().kind() + "/" + m.ref().namespace() + "/" + m.ref().name());
            kinds.put(m.ref().kind(), m.ref().apiVersion());
        }
        List<String> managed = new ArrayList<>();
        kinds.forEach((kind, apiVersion) -> client.genericKubernetesResources(apiVersion, kind)
                .inAnyNamespace()
                .withLabel("app.kubernetes.io/managed-by", "alfred-gitops")
                .list()
                .getItems()
                .forEach(o -> managed.add(kind + "/"
                        + (o.getMetadata().getNamespace() == null
                                ? ""
                                : o.getMetadata().getNamespace()) + "/"
                        + o.getMetadata().getName())));
        assertThat(managed)
                .as("managed objects: no orphan, nothing missing")
                .containsExactlyInAnyOrderElementsOf(wanted);
        ConfigMap inventory = client.configMaps()
                .inAnyNamespace()
                .withField("metadata.name", "alfred-gitops-inventory")
                .list()
                .getItems()
                .get(0);
        assertThat(inventory.getData().get("objects").lines().count())
                .as("inventory lists exactly the render")
                .isEqualTo(render.manifests().size());
        String cycle = render.manifests().stream()
                .filter(m -> m.ref().name().startsWith("soak-extra-"))
                .findFirst()
                .orElseThrow()
                .body()
                .path("data")
                .path("cycle")
                .asText();
        assertThat(client.configMaps()
                        .inNamespace(NS)
                        .withName("soak-extra-" + cycle)
                        .get())
                .isNotNull();
    }
}
