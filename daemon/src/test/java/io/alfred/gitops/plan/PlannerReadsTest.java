package io.alfred.gitops.plan;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.alfred.gitops.change.Action;
import io.alfred.gitops.render.Manifest;
import io.alfred.gitops.render.ObjectRef;
import io.alfred.gitops.sandbox.SandboxApiServer;
import io.alfred.gitops.testing.TestCluster;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * A plan reads only the objects that exist: the server-side dry run goes first, and its answer says
 * whether the object was there (a dry-run create has no resourceVersion: only storage assigns one).
 * A cold apply of N new objects costs N dry runs, not N reads and N dry runs.
 */
class PlannerReadsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Manifest configMap(String name, String value) throws Exception {
        ObjectNode body =
                (ObjectNode) JSON.readTree("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\""
                        + name + "\",\"namespace\":\"default\"},\"data\":{\"k\":\"" + value + "\"}}");
        return new Manifest(ObjectRef.of("v1", "ConfigMap", "default", name), body, "test");
    }

    @Test
    void aPlanReadsOnlyTheObjectsThatExist() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (SandboxApiServer sandbox = TestCluster.sandbox("it counts the requests by verb and resource")
                        .sandboxServer();
                KubernetesClient client = sandbox.client()) {
            client.configMaps()
                    .inNamespace("default")
                    .resource(new ConfigMapBuilder()
                            .withNewMetadata()
                            .withName("old")
                            .endMetadata()
                            .addToData("k", "before")
                            .build())
                    .create();
            List<Manifest> manifests =
                    List.of(configMap("old", "after"), configMap("new-1", "v"), configMap("new-2", "v"));
            ClusterKinds kinds = new ClusterKinds(client);
            kinds.find(manifests.get(0).ref()); // discovery outside the counted requests
            sandbox.resetRequestCounts();

            Plan plan = new Planner(client, "alfred-gitops", pool, false).plan(manifests, kinds, Set.of());

            assertThat(sandbox.requestCountsByResource())
                    .isEqualTo(Map.of("dry-run PATCH configmaps", 3L, "GET configmaps", 1L));
            assertThat(plan.objects())
                    .extracting(PlannedObject::action)
                    .containsExactly(Action.CONFIGURED, Action.CREATED, Action.CREATED);
            assertThat(plan.objects().get(0).diff()).contains("-  k: before").contains("+  k: after");
            assertThat(plan.objects().get(1).live()).isNull();
        } finally {
            pool.shutdownNow();
        }
    }
}
