package io.alfred.gitops.testing;

/** Workloads and budgets in namespace {@code shop}, as YAML for a test repository. */
public final class Workloads {
    private Workloads() {}

    public static String deployment(String name, int replicas, String image, String strategy) {
        return """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: %s, namespace: shop}
                spec:
                  replicas: %d
                  selector: {matchLabels: {app: %s}}
                  strategy: %s
                  template:
                    metadata: {labels: {app: %s}}
                    spec:
                      containers: [{name: app, image: "%s"}]
                """.formatted(name, replicas, name, strategy, name, image);
    }

    public static String statefulSet(String name, int replicas, String image) {
        return """
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: %s, namespace: shop}
                spec:
                  replicas: %d
                  serviceName: %s
                  selector: {matchLabels: {app: %s}}
                  template:
                    metadata: {labels: {app: %s}}
                    spec:
                      containers: [{name: app, image: "%s"}]
                """.formatted(name, replicas, name, name, name, image);
    }

    public static String daemonSet(String name, String image) {
        return """
                apiVersion: apps/v1
                kind: DaemonSet
                metadata: {name: %s, namespace: shop}
                spec:
                  selector: {matchLabels: {app: %s}}
                  template:
                    metadata: {labels: {app: %s}}
                    spec:
                      containers: [{name: app, image: "%s"}]
                """.formatted(name, name, name, image);
    }

    public static String pdb(String name, String app, String rule) {
        return """
                apiVersion: policy/v1
                kind: PodDisruptionBudget
                metadata: {name: %s, namespace: shop}
                spec:
                  %s
                  selector: {matchLabels: {app: %s}}
                """.formatted(name, rule, app);
    }
}
