package io.alfred.gitops.cluster;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Where the daemon's idea of its cluster came from, so that a connection problem can say which file
 * or setting to fix: {@code KUBECONFIG}, the default {@code ~/.kube/config}, the pod's service
 * account, or {@code --sandbox}. {@link Kind#NONE} means there is nothing to connect to.
 */
public record ClusterOrigin(Kind kind, Optional<Path> file) {
    public enum Kind {
        KUBECONFIG_ENV,
        KUBECONFIG_DEFAULT,
        IN_CLUSTER,
        SANDBOX,
        NONE
    }

    static final Path SERVICE_ACCOUNT_TOKEN = Path.of("/var/run/secrets/kubernetes.io/serviceaccount/token");

    public static ClusterOrigin sandbox(Path kubeconfig) {
        return new ClusterOrigin(Kind.SANDBOX, Optional.of(kubeconfig));
    }

    /** Looks where fabric8's {@code Config.autoConfigure} looks, in the same order. */
    public static ClusterOrigin detect() {
        return detect(System.getenv(), Path.of(System.getProperty("user.home")));
    }

    static ClusterOrigin detect(Map<String, String> env, Path home) {
        String kubeconfig = System.getProperty("kubeconfig", env.get("KUBECONFIG"));
        if (kubeconfig != null && !kubeconfig.isBlank()) {
            // kubectl merges a list; fabric8 reads its first existing file
            String first = kubeconfig.split(File.pathSeparator)[0];
            return new ClusterOrigin(Kind.KUBECONFIG_ENV, Optional.of(Path.of(first)));
        }
        Path byDefault = home.resolve(".kube").resolve("config");
        if (Files.isRegularFile(byDefault)) {
            return new ClusterOrigin(Kind.KUBECONFIG_DEFAULT, Optional.of(byDefault));
        }
        if (env.containsKey("KUBERNETES_SERVICE_HOST") && Files.isReadable(SERVICE_ACCOUNT_TOKEN)) {
            return new ClusterOrigin(Kind.IN_CLUSTER, Optional.empty());
        }
        return new ClusterOrigin(Kind.NONE, Optional.empty());
    }

    /** For messages: {@code "KUBECONFIG=/x/config"}, {@code "kubeconfig ~/.kube/config"}, ... */
    public String describe() {
        return switch (kind) {
            case KUBECONFIG_ENV -> "KUBECONFIG=" + file.orElseThrow();
            case KUBECONFIG_DEFAULT -> "kubeconfig " + file.orElseThrow();
            case IN_CLUSTER -> "the pod's service account";
            case SANDBOX -> "--sandbox";
            case NONE -> "no kubeconfig";
        };
    }

    /** What the user can change when the server is wrong or unreachable. */
    String whatToCheck() {
        return switch (kind) {
            case KUBECONFIG_ENV, KUBECONFIG_DEFAULT ->
                "check the current context's server in " + file.orElseThrow() + " (kubectl config view --minify)";
            case IN_CLUSTER -> "check the pod's network policy and the kubernetes Service";
            case SANDBOX -> "the sandbox API server of this process stopped";
            case NONE -> "set KUBECONFIG, or use --sandbox";
        };
    }
}
