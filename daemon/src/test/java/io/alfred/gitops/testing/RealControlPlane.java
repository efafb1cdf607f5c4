package io.alfred.gitops.testing;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The real control plane of {@code ../shared/realk8s} (kube-apiserver, kube-controller-manager,
 * etcd), started by {@code .ci/run} or by hand and named by {@value #VARIABLE}. One per test JVM:
 * it is shared by every suite, one at a time, and {@link #reset()} gives each suite a cluster with
 * only what every cluster has, with the {@link TestNode} serving pods.
 */
final class RealControlPlane {
    static final String VARIABLE = "ALFRED_TEST_KUBECONFIG";
    private static final List<String> CLUSTER_SCOPED = List.of(
            "clusterroles",
            "clusterrolebindings",
            "persistentvolumes",
            "priorityclasses",
            "storageclasses",
            "ingressclasses",
            "validatingwebhookconfigurations",
            "mutatingwebhookconfigurations");
    /** The namespaces every cluster has; all others are the suites'. */
    private static final Set<String> BASE_NAMESPACES =
            Set.of("default", "kube-system", "kube-public", "kube-node-lease");

    private static RealControlPlane shared;

    private final Path kubeconfig;
    private final Config config;
    private final KubernetesClient client;
    private final TestNode node;
    private boolean leased;

    private RealControlPlane(Path kubeconfig) throws IOException {
        this.kubeconfig = kubeconfig;
        this.config = Config.fromKubeconfig(Files.readString(kubeconfig));
        config.setNamespace("default");
        this.client = new KubernetesClientBuilder().withConfig(config).build();
        this.node = TestNode.start(client);
    }

    /**
     * The benches' control plane ({@code mvn -Pbench} sets {@value #BENCH_PROPERTY} to
     * {@code ../shared/realk8s}): started once per JVM when {@value #VARIABLE} names none, stopped
     * at exit; absent when that folder is not there.
     */
    static final String BENCH_PROPERTY = "bench.realk8s";

    private static Path benchPlane;
    private static boolean benchPlaneTried;

    /** The kubeconfig named by {@value #VARIABLE}, when it names a file; or the benches' own control plane. */
    static Path configured() {
        String value = System.getenv(VARIABLE);
        if (value == null || value.isBlank()) {
            return benchPlane();
        }
        Path path = Path.of(value);
        if (!Files.isRegularFile(path)) {
            throw new IllegalStateException(VARIABLE + "=" + value + " is not a file: start a control plane with "
                    + "../shared/realk8s/start.sh DIR and set " + VARIABLE
                    + "=DIR/kubeconfig, or unset it for the sandbox");
        }
        return path;
    }

    private static synchronized Path benchPlane() {
        String folder = System.getProperty(BENCH_PROPERTY);
        if (folder == null || folder.isBlank() || benchPlaneTried) {
            return benchPlane;
        }
        Path scripts = Path.of(folder).toAbsolutePath().normalize();
        if (!Files.isRegularFile(scripts.resolve("start.sh"))) {
            System.out.println(
                    "bench: " + scripts + " is not here: on the sandbox API server, not a real control plane");
            return null;
        }
        Path state = Path.of("daemon/target/bench-realk8s").toAbsolutePath();
        try {
            Files.createDirectories(state);
            run(scripts.resolve("install.sh"), state);
            run(scripts.resolve("start.sh"), state);
        } catch (IOException e) {
            throw new UncheckedIOException("bench: cannot start the control plane of " + scripts, e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                run(scripts.resolve("stop.sh"), state);
            } catch (IOException e) {
                System.out.println("bench: " + e.getMessage());
            }
        }));
        System.out.println("bench: on the real control plane of " + scripts + " (state in " + state + ")");
        benchPlaneTried = true;
        benchPlane = state.resolve("kubeconfig");
        return benchPlane;
    }

    private static void run(Path script, Path state) throws IOException {
        Process p = new ProcessBuilder("bash", script.toString(), state.toString())
                .redirectErrorStream(true)
                .redirectOutput(state.resolve(script.getFileName() + ".log").toFile())
                .start();
        try {
            if (p.waitFor() != 0) {
                throw new IOException(script + " " + state + " failed (exit " + p.exitValue() + "); see "
                        + state.resolve(script.getFileName() + ".log"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(script + " interrupted", e);
        }
    }

    static synchronized RealControlPlane shared() {
        if (shared == null) {
            try {
                shared = new RealControlPlane(configured());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                shared.node.close();
                shared.client.close();
            }));
        }
        return shared;
    }

    Config config() {
        return config;
    }

    Path kubeconfig() {
        return kubeconfig;
    }

    TestNode node() {
        return node;
    }

    /** Takes the control plane for one suite, reset; a second suite at once is a test's mistake. */
    synchronized void lease() {
        if (leased) {
            throw new IllegalStateException("the real control plane is in use by another TestCluster: a second "
                    + "cluster in one test must be TestCluster.sandbox(why)");
        }
        reset();
        leased = true;
    }

    synchronized void release() {
        leased = false;
    }

    /**
     * Back to a cluster with only what every cluster has: the suites' namespaces, CRDs and
     * cluster-scoped objects deleted. The namespace controller takes about 5 s per namespace even
     * when it is empty (it re-lists every kind before it lets go); so the reset empties each
     * namespace itself (workloads first, then what they own, then the rest, every pod without
     * grace, as the test node would confirm it) and then finalizes it: the namespace is gone at once
     * and nothing of it is left for the next suite.
     */
    private void reset() {
        node.reset();
        List<String> gone = new ArrayList<>();
        for (Namespace ns : client.namespaces().list().getItems()) {
            String name = ns.getMetadata().getName();
            if (!BASE_NAMESPACES.contains(name)) {
                gone.add(name);
            }
        }
        if (!gone.isEmpty()) {
            List<ResourceDefinitionContext> kinds = namespacedKinds();
            for (String name : gone) {
                for (ResourceDefinitionContext kind : kinds) {
                    ignoreGone(() -> client.genericKubernetesResources(kind)
                            .inNamespace(name)
                            .withGracePeriod(0)
                            .delete());
                }
                ignoreGone(() -> client.namespaces().withName(name).delete());
                ignoreGone(() -> client.raw(
                        "/api/v1/namespaces/" + name + "/finalize",
                        "PUT",
                        Map.of(
                                "apiVersion",
                                "v1",
                                "kind",
                                "Namespace",
                                "metadata",
                                Map.of("name", name),
                                "spec",
                                Map.of("finalizers", List.of()))));
            }
        }
        for (String plural : CLUSTER_SCOPED) {
            for (GenericKubernetesResource o : clusterScoped(plural)) {
                if (!builtIn(o)) {
                    ignoreGone(() -> client.genericKubernetesResources(context(plural))
                            .withName(o.getMetadata().getName())
                            .delete());
                }
            }
        }
        client.apiextensions()
                .v1()
                .customResourceDefinitions()
                .list()
                .getItems()
                .forEach(crd -> ignoreGone(() -> client.resource(crd).delete()));
        // objects suites left in the namespaces every cluster has (default): all of them the suites' own
        for (String plural : List.of("configmaps", "secrets", "services", "serviceaccounts", "leases")) {
            deleteSuitesObjects("default", plural);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (!gone.isEmpty()
                || !client.apiextensions()
                        .v1()
                        .customResourceDefinitions()
                        .list()
                        .getItems()
                        .isEmpty()) {
            gone.removeIf(name -> client.namespaces().withName(name).get() == null);
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the real control plane did not delete namespaces " + gone
                        + " within 120 s; see its kube-controller-manager.log");
            }
            sleep(50);
        }
    }

    /** Every namespaced kind the server can delete by collection, workloads first and pods after their owners. */
    private List<ResourceDefinitionContext> namespacedKinds() {
        List<ResourceDefinitionContext> out = new ArrayList<>();
        List<String> groupVersions = new ArrayList<>(List.of("v1"));
        client.getApiGroups()
                .getGroups()
                .forEach(g -> groupVersions.add(g.getPreferredVersion().getGroupVersion()));
        for (String gv : groupVersions) {
            var resources = client.getApiResources(gv);
            if (resources == null) {
                continue;
            }
            String group = gv.contains("/") ? gv.substring(0, gv.indexOf('/')) : "";
            String version = gv.contains("/") ? gv.substring(gv.indexOf('/') + 1) : gv;
            for (var r : resources.getResources()) {
                if (Boolean.TRUE.equals(r.getNamespaced())
                        && !r.getName().contains("/")
                        && r.getVerbs().contains("deletecollection")) {
                    out.add(new ResourceDefinitionContext.Builder()
                            .withGroup(group)
                            .withVersion(version)
                            .withPlural(r.getName())
                            .withKind(r.getKind())
                            .withNamespaced(true)
                            .build());
                }
            }
        }
        List<String> first =
                List.of("deployments", "statefulsets", "daemonsets", "cronjobs", "jobs", "replicasets", "pods");
        out.sort(Comparator.comparingInt(k -> {
            int i = first.indexOf(k.getPlural());
            return i < 0 ? first.size() : i;
        }));
        return out;
    }

    private void deleteSuitesObjects(String namespace, String plural) {
        ResourceDefinitionContext context = new ResourceDefinitionContext.Builder()
                .withGroup(plural.equals("leases") ? "coordination.k8s.io" : "")
                .withVersion("v1")
                .withPlural(plural)
                .withNamespaced(true)
                .build();
        for (GenericKubernetesResource o : client.genericKubernetesResources(context)
                .inNamespace(namespace)
                .list()
                .getItems()) {
            if (!builtIn(plural, o)) {
                ignoreGone(() -> client.genericKubernetesResources(context)
                        .inNamespace(namespace)
                        .withName(o.getMetadata().getName())
                        .delete());
            }
        }
    }

    /** The control plane's own cluster-scoped objects (bootstrap RBAC, system priority classes). */
    private static boolean builtIn(HasMetadata o) {
        String name = o.getMetadata().getName();
        Map<String, String> labels = o.getMetadata().getLabels();
        return name.startsWith("system:")
                || name.startsWith("system-")
                || labels != null && "rbac-defaults".equals(labels.get("kubernetes.io/bootstrapping"));
    }

    private static boolean builtIn(String plural, HasMetadata o) {
        String name = o.getMetadata().getName();
        return switch (plural) {
            case "configmaps" -> name.equals("kube-root-ca.crt");
            case "services" -> name.equals("kubernetes");
            case "serviceaccounts" -> name.equals("default");
            case "secrets" -> name.startsWith("default-token-");
            default -> false;
        };
    }

    private List<GenericKubernetesResource> clusterScoped(String plural) {
        try {
            return client.genericKubernetesResources(context(plural)).list().getItems();
        } catch (KubernetesClientException e) {
            return List.of();
        }
    }

    private static ResourceDefinitionContext context(String plural) {
        String group = switch (plural) {
            case "clusterroles", "clusterrolebindings" -> "rbac.authorization.k8s.io";
            case "priorityclasses" -> "scheduling.k8s.io";
            case "storageclasses" -> "storage.k8s.io";
            case "ingressclasses" -> "networking.k8s.io";
            case "validatingwebhookconfigurations", "mutatingwebhookconfigurations" -> "admissionregistration.k8s.io";
            default -> "";
        };
        return new ResourceDefinitionContext.Builder()
                .withGroup(group)
                .withVersion("v1")
                .withPlural(plural)
                .withNamespaced(false)
                .build();
    }

    private static void ignoreGone(Runnable call) {
        try {
            call.run();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404 && e.getCode() != 409) {
                throw e;
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while resetting the control plane", e);
        }
    }
}
