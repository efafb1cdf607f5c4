package io.alfred.gitops.testing;

import io.fabric8.kubernetes.api.model.Binding;
import io.fabric8.kubernetes.api.model.BindingBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The kubelet's part, played honestly against a real control plane that has no scheduler, kubelet
 * or node: it registers one Node and keeps its Lease fresh (so the node lifecycle controller never
 * marks it NotReady), binds every pending pod to it, and after {@link #readyDelay} reports each pod
 * Running and Ready through the pods' status subresource (a Job's pod Succeeded). A pod whose image
 * matches {@link #failImages} runs but never becomes ready (its container crash-loops). A pod being
 * deleted gracefully is confirmed with a zero-grace delete, as a kubelet does once it has stopped it.
 * Everything else, ReplicaSets, rollout status, PDB status, garbage collection, namespace deletion,
 * comes from the real controllers.
 */
public final class TestNode implements AutoCloseable {
    public static final String NAME = "alfred-test-node";
    private static final Duration LEASE_RENEWAL = Duration.ofSeconds(10);
    private static final Duration READY_DELAY = Duration.ofMillis(200);
    /** The node's address, and so every pod's hostIP (TEST-NET-1: never routed). */
    private static final String ADDRESS = "192.0.2.20";

    private final KubernetesClient client;
    private final ScheduledExecutorService executor = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "test-node");
        t.setDaemon(true);
        return t;
    });
    /** Pods asked to bind, and pods whose start is scheduled: each is done once per pod. */
    private final Set<String> binding = ConcurrentHashMap.newKeySet();

    private final Set<String> scheduled = ConcurrentHashMap.newKeySet();
    private volatile Duration readyDelay = READY_DELAY;
    private volatile Pattern failImages;
    private SharedIndexInformer<Pod> pods;

    private TestNode(KubernetesClient client) {
        this.client = client;
    }

    /** Registers the node (or takes over one left by an earlier run) and starts serving pods. */
    public static TestNode start(KubernetesClient client) {
        TestNode node = new TestNode(client);
        node.register();
        node.executor.scheduleWithFixedDelay(
                node::heartbeat, LEASE_RENEWAL.toMillis(), LEASE_RENEWAL.toMillis(), TimeUnit.MILLISECONDS);
        node.pods = client.pods().inAnyNamespace().inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                node.observe(pod);
            }

            @Override
            public void onUpdate(Pod before, Pod pod) {
                node.observe(pod);
            }

            @Override
            public void onDelete(Pod pod, boolean unknown) {
                node.binding.remove(key(pod));
                node.scheduled.remove(key(pod));
            }
        });
        return node;
    }

    /** How long a bound pod takes to run and become ready. */
    public void readyDelay(Duration delay) {
        this.readyDelay = delay;
    }

    /**
     * Pods with a container image matching this pattern crash-loop and never become ready; null: none.
     * Running pods of such an image start crash-looping too (a dependency of theirs went away, say).
     */
    public void failImages(String regex) {
        this.failImages = regex == null ? null : Pattern.compile(regex);
        if (regex != null && pods != null) {
            for (Pod pod : pods.getStore().list()) {
                if (NAME.equals(pod.getSpec().getNodeName())
                        && pod.getMetadata().getDeletionTimestamp() == null
                        && "Running".equals(phase(pod))
                        && pod.getSpec().getContainers().stream().anyMatch(this::fails)) {
                    executor.execute(() -> start(pod));
                }
            }
        }
    }

    public void reset() {
        readyDelay = READY_DELAY;
        failImages = null;
    }

    private void register() {
        Node node = new NodeBuilder()
                .withNewMetadata()
                .withName(NAME)
                .addToLabels("kubernetes.io/hostname", NAME)
                .addToLabels("kubernetes.io/os", "linux")
                .addToLabels("kubernetes.io/arch", "amd64")
                .endMetadata()
                .withNewSpec()
                .endSpec()
                .build();
        // an earlier run's node has no heartbeat any more, so the node lifecycle controller tainted it: a new one
        client.nodes().withName(NAME).withGracePeriod(0).delete();
        client.nodes().withName(NAME).waitUntilCondition(n -> n == null, 30, TimeUnit.SECONDS);
        client.nodes().resource(node).create();
        Map<String, Quantity> capacity = Map.of(
                "cpu",
                new Quantity("64"),
                "memory",
                new Quantity("256Gi"),
                "pods",
                new Quantity("1000"),
                "ephemeral-storage",
                new Quantity("1Ti"));
        Node status = new NodeBuilder()
                .withNewStatus()
                .withCapacity(capacity)
                .withAllocatable(capacity)
                .withConditions(readyCondition())
                .withAddresses(new NodeAddress(ADDRESS, "InternalIP"))
                .withNewNodeInfo()
                .withKubeletVersion("v1.23.0")
                .withContainerRuntimeVersion("test://1")
                .withOperatingSystem("linux")
                .withArchitecture("amd64")
                .withMachineID("test")
                .withSystemUUID("test")
                .withBootID("test")
                .withKernelVersion("test")
                .withOsImage("test")
                .withKubeProxyVersion("v1.23.0")
                .endNodeInfo()
                .endStatus()
                .build();
        // a merge patch carries no resourceVersion: the node lifecycle controller's own writes cannot conflict with it
        client.nodes()
                .withName(NAME)
                .subresource("status")
                .patch(
                        PatchContext.of(PatchType.STRATEGIC_MERGE),
                        Serialization.asJson(Map.of("status", status.getStatus())));
        heartbeat();
    }

    private static NodeCondition readyCondition() {
        String now = now();
        return new NodeConditionBuilder()
                .withType("Ready")
                .withStatus("True")
                .withReason("KubeletReady")
                .withMessage("the test node is ready")
                .withLastHeartbeatTime(now)
                .withLastTransitionTime(now)
                .build();
    }

    private void heartbeat() {
        try {
            ZonedDateTime now = ZonedDateTime.now();
            Lease lease = new LeaseBuilder()
                    .withNewMetadata()
                    .withName(NAME)
                    .withNamespace("kube-node-lease")
                    .endMetadata()
                    .withNewSpec()
                    .withHolderIdentity(NAME)
                    .withLeaseDurationSeconds(40)
                    .withRenewTime(now)
                    .endSpec()
                    .build();
            client.leases().inNamespace("kube-node-lease").resource(lease).serverSideApply();
            client.nodes()
                    .withName(NAME)
                    .subresource("status")
                    .patch(
                            PatchContext.of(PatchType.STRATEGIC_MERGE),
                            Serialization.asJson(Map.of("status", Map.of("conditions", List.of(readyCondition())))));
        } catch (RuntimeException e) {
            // the next heartbeat tries again; the controller allows 40 s
        }
    }

    private void observe(Pod pod) {
        String key = key(pod);
        if (pod.getMetadata().getDeletionTimestamp() != null) {
            if (NAME.equals(pod.getSpec().getNodeName())) {
                executor.execute(() -> ignoreGone(() -> client.pods()
                        .inNamespace(pod.getMetadata().getNamespace())
                        .withName(pod.getMetadata().getName())
                        .withGracePeriod(0)
                        .delete()));
            }
            return;
        }
        String nodeName = pod.getSpec().getNodeName();
        if (nodeName == null || nodeName.isEmpty()) {
            if (binding.add(key)) {
                executor.execute(() -> bind(pod));
            }
            return;
        }
        if (!NAME.equals(nodeName) || !"Pending".equals(phase(pod)) || !scheduled.add(key)) {
            return;
        }
        executor.schedule(() -> start(pod), readyDelay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void bind(Pod pod) {
        Binding binding = new BindingBuilder()
                .withNewMetadata()
                .withName(pod.getMetadata().getName())
                .withNamespace(pod.getMetadata().getNamespace())
                .endMetadata()
                .withNewTarget()
                .withKind("Node")
                .withApiVersion("v1")
                .withName(NAME)
                .endTarget()
                .build();
        try {
            client.bindings()
                    .inNamespace(pod.getMetadata().getNamespace())
                    .resource(binding)
                    .create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404 && e.getCode() != 409) {
                this.binding.remove(key(pod)); // the pod's next event tries again
                System.err.println("test node: " + e.getMessage());
            }
        }
    }

    private void start(Pod pod) {
        boolean fails = pod.getSpec().getContainers().stream().anyMatch(this::fails);
        boolean job = pod.getMetadata().getOwnerReferences().stream()
                .map(OwnerReference::getKind)
                .anyMatch("Job"::equals);
        String now = now();
        List<Map<String, Object>> containers = new ArrayList<>();
        for (Container c : pod.getSpec().getContainers()) {
            Map<String, Object> status = new LinkedHashMap<>();
            status.put("name", c.getName());
            status.put("image", c.getImage());
            status.put("imageID", "test://" + c.getImage());
            status.put("containerID", "test://" + pod.getMetadata().getUid() + "/" + c.getName());
            if (fails) {
                status.put("ready", false);
                status.put("started", false);
                status.put("restartCount", 3);
                status.put(
                        "state",
                        Map.of(
                                "waiting",
                                Map.of(
                                        "reason",
                                        "CrashLoopBackOff",
                                        "message",
                                        "back-off restarting failed container " + c.getName())));
                status.put(
                        "lastState",
                        Map.of(
                                "terminated",
                                Map.of("exitCode", 1, "reason", "Error", "startedAt", now, "finishedAt", now)));
            } else if (job) {
                status.put("ready", false);
                status.put("started", false);
                status.put("restartCount", 0);
                status.put(
                        "state",
                        Map.of(
                                "terminated",
                                Map.of("exitCode", 0, "reason", "Completed", "startedAt", now, "finishedAt", now)));
            } else {
                status.put("ready", true);
                status.put("started", true);
                status.put("restartCount", 0);
                status.put("state", Map.of("running", Map.of("startedAt", now)));
            }
            containers.add(status);
        }
        String ready = fails || job ? "False" : "True";
        List<Map<String, Object>> conditions = List.of(
                condition("Initialized", "True", now), condition("Ready", ready, now),
                condition("ContainersReady", ready, now), condition("PodScheduled", "True", now));
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("phase", job && !fails ? "Succeeded" : "Running");
        status.put("conditions", conditions);
        status.put("hostIP", ADDRESS);
        status.put(
                "podIP",
                "10.244.0." + (1 + Math.floorMod(pod.getMetadata().getUid().hashCode(), 250)));
        status.put("startTime", now);
        status.put("containerStatuses", containers);
        ignoreGone(() -> client.pods()
                .inNamespace(pod.getMetadata().getNamespace())
                .withName(pod.getMetadata().getName())
                .subresource("status")
                .patch(PatchContext.of(PatchType.STRATEGIC_MERGE), Serialization.asJson(Map.of("status", status))));
    }

    private boolean fails(Container c) {
        Pattern p = failImages;
        return p != null && c.getImage() != null && p.matcher(c.getImage()).find();
    }

    private static Map<String, Object> condition(String type, String status, String now) {
        return Map.of("type", type, "status", status, "lastTransitionTime", now);
    }

    private static String phase(Pod pod) {
        return pod.getStatus() == null || pod.getStatus().getPhase() == null
                ? "Pending"
                : pod.getStatus().getPhase();
    }

    private static String key(Pod pod) {
        return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName() + "/"
                + pod.getMetadata().getUid();
    }

    private static String now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static void ignoreGone(Runnable call) {
        try {
            call.run();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404 && e.getCode() != 409) {
                System.err.println("test node: " + e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        if (pods != null) {
            pods.close();
        }
        executor.shutdownNow();
    }
}
