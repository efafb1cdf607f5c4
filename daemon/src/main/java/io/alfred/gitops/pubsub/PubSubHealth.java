package io.alfred.gitops.pubsub;

import io.grpc.Status;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * The state of every topic and subscription the daemon uses, from what Pub/Sub answered last. A
 * change of state is logged once (ERROR with the command that fixes it, INFO when it is fine again),
 * never once per attempt; readiness, {@code GET /status} and the metric
 * {@code gitops_pubsub_state{resource,state}} (1 for the current state) read it.
 */
@ApplicationScoped
public class PubSubHealth {
    private static final Logger LOG = Logger.getLogger(PubSubHealth.class);

    /** What {@code GET /status} and readiness show of one resource. */
    public record View(String name, String state, String detail, Instant since) {}

    @Inject
    MeterRegistry registry;

    private final Map<String, Tracked> resources = new ConcurrentHashMap<>();

    private static final class Tracked {
        final PubSubResource resource;
        volatile PubSubState state = PubSubState.UNKNOWN;
        volatile String detail = "";
        volatile Instant since = Instant.now();

        Tracked(PubSubResource resource) {
            this.resource = resource;
        }
    }

    /** For commands and tests, outside CDI: no metrics. */
    public static PubSubHealth detached() {
        return new PubSubHealth();
    }

    /** Starts tracking a resource (state unknown until Pub/Sub answers). */
    public void watch(PubSubResource resource) {
        resources.computeIfAbsent(resource.path(), p -> {
            Tracked t = new Tracked(resource);
            if (registry != null) {
                for (PubSubState s : PubSubState.values()) {
                    Gauge.builder("gitops.pubsub.state", t, x -> x.state == s ? 1 : 0)
                            .description("1 for the current state of a Pub/Sub topic or subscription the daemon uses")
                            .tag("resource", resource.key())
                            .tag("state", s.label())
                            .register(registry);
                }
            }
            return t;
        });
    }

    public void ok(PubSubResource resource) {
        change(resource, PubSubState.OK, "");
    }

    /**
     * A failure Pub/Sub reported for the resource, classified by its gRPC status. A failure without
     * one (the client's "ordering key paused" after the failure before it) keeps the state it follows.
     */
    public void failed(PubSubResource resource, Throwable failure) {
        Status status = Status.fromThrowable(failure);
        if (status.getCode() == Status.Code.UNKNOWN
                && state(resource) != PubSubState.OK
                && state(resource) != PubSubState.UNKNOWN) {
            return;
        }
        String detail = status.getCode() + (status.getDescription() == null ? "" : ": " + status.getDescription());
        change(resource, PubSubState.of(failure), detail);
    }

    public PubSubState state(PubSubResource resource) {
        Tracked t = resources.get(resource.path());
        return t == null ? PubSubState.UNKNOWN : t.state;
    }

    /** False while a resource is missing or forbidden: that needs a person, not a retry. */
    public boolean ready() {
        return resources.values().stream().noneMatch(t -> t.state.isMisconfigured());
    }

    /** By {@link PubSubResource#key()}: {@code events-topic}, {@code trigger-subscription}. */
    public Map<String, View> view() {
        Map<String, View> view = new TreeMap<>();
        resources
                .values()
                .forEach(t ->
                        view.put(t.resource.key(), new View(t.resource.path(), t.state.label(), t.detail, t.since)));
        return view;
    }

    private void change(PubSubResource resource, PubSubState state, String detail) {
        watch(resource);
        Tracked t = resources.get(resource.path());
        synchronized (t) {
            if (t.state == state) {
                return;
            }
            PubSubState before = t.state;
            // said before it is seen: whoever reads the new state finds the line that explains it
            if (state == PubSubState.OK) {
                if (before != PubSubState.UNKNOWN) {
                    LOG.infof("pubsub: %s %s is usable again", resource.role(), resource.path());
                }
            } else {
                LOG.errorf("pubsub: %s %s %s", resource.role(), resource.path(), explain(resource, state, detail));
            }
            t.detail = detail;
            t.since = Instant.now();
            t.state = state;
        }
    }

    private static String explain(PubSubResource resource, PubSubState state, String detail) {
        String consequence = resource.consequence();
        return switch (state) {
            case NOT_FOUND ->
                "does not exist (" + detail + "); create it: " + resource.createCommand() + "; " + consequence
                        + ", retrying with backoff up to " + Backoff.MAX.toSeconds() + " s";
            case PERMISSION_DENIED ->
                "may not be used with these credentials (" + detail + "); grant it: " + resource.grantCommand() + "; "
                        + consequence;
            case UNREACHABLE ->
                "cannot be reached (" + detail + "); check the network, or PUBSUB_EMULATOR_HOST; " + consequence
                        + ", retrying with backoff up to " + Backoff.MAX.toSeconds() + " s";
            default -> "fails (" + detail + "); " + consequence + ", retrying with backoff";
        };
    }
}
