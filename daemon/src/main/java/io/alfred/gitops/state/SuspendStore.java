package io.alfred.gitops.state;

import io.alfred.gitops.cluster.StateConfigMaps;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The suspend state in ConfigMap {@code alfred-gitops-suspend} ({@code suspended}, {@code by},
 * {@code reason}, {@code since}), written by {@code suspend}/{@code resume} and watched by the
 * daemon, so that it stops writing within a second, not at its next interval.
 */
public final class SuspendStore {
    public static final String NAME = "alfred-gitops-suspend";
    private static final String MANAGER = "alfred-gitops-cli";

    private final KubernetesClient client;
    private final String namespace;

    public SuspendStore(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
    }

    public Suspension load() {
        return parse(StateConfigMaps.read(client, namespace, NAME));
    }

    public Suspension suspend(String by, String reason) {
        return write(new Suspension(true, by, reason == null ? "" : reason, now()));
    }

    public Suspension resume(String by) {
        return write(new Suspension(false, by, "", now()));
    }

    private Suspension write(Suspension s) {
        StateConfigMaps.apply(
                client,
                namespace,
                NAME,
                MANAGER,
                Map.of(
                        "suspended",
                        String.valueOf(s.suspended()),
                        "by",
                        s.by(),
                        "reason",
                        s.reason(),
                        "since",
                        s.since()));
        return s;
    }

    /** Calls {@code onChange} with each new state; the watch is resumed by fabric8 when it drops. */
    public Watch watch(Consumer<Suspension> onChange) {
        return client.configMaps().inNamespace(namespace).withName(NAME).watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, ConfigMap cm) {
                onChange.accept(
                        action == Action.DELETED
                                ? Suspension.none()
                                : parse(cm.getData() == null ? Map.of() : cm.getData()));
            }

            @Override
            public void onClose(WatcherException cause) {
                // the cycle reads the state too: a closed watch only delays the reaction to the next cycle
            }
        });
    }

    static Suspension parse(Map<String, String> data) {
        return new Suspension(
                "true".equals(data.get("suspended")),
                data.getOrDefault("by", ""),
                data.getOrDefault("reason", ""),
                data.getOrDefault("since", ""));
    }

    private static String now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
