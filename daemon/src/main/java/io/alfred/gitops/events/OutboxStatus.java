package io.alfred.gitops.events;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How the outbox is doing, for readiness and metrics: {@code gitops_outbox_pending},
 * {@code gitops_outbox_full} (1 while cycles wait for room), {@code gitops_outbox_dropped_total}.
 */
@ApplicationScoped
public class OutboxStatus {
    private volatile Instant lastPublishedAt;

    @Inject
    MeterRegistry registry;

    private final AtomicLong pending = new AtomicLong();
    private final AtomicBoolean full = new AtomicBoolean();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong published = new AtomicLong();

    @PostConstruct
    void metrics() {
        if (registry == null) {
            return;
        }
        Gauge.builder("gitops.events.outbox.depth", pending, AtomicLong::get)
                .description("Events in the outbox, not yet acknowledged by Pub/Sub")
                .register(registry);
        Gauge.builder("gitops.outbox.full", full, f -> f.get() ? 1 : 0)
                .description("1 while cycles wait for room in the outbox")
                .register(registry);
        Gauge.builder("gitops.outbox.dropped", dropped, AtomicLong::get)
                .description("planned events compacted away because the outbox was full")
                .register(registry);
        FunctionCounter.builder("gitops.events.published", published, AtomicLong::get)
                .description("Events acknowledged by Pub/Sub")
                .register(registry);
    }

    public void pending(long n) {
        pending.set(n);
    }

    public void full(boolean f) {
        full.set(f);
    }

    public boolean isFull() {
        return full.get();
    }

    public void dropped() {
        dropped.incrementAndGet();
    }

    public void published() {
        published.incrementAndGet();
        lastPublishedAt = Instant.now();
    }

    /** When Pub/Sub last acknowledged an event, or null. */
    public Instant lastPublishedAt() {
        return lastPublishedAt;
    }

    public long publishedCount() {
        return published.get();
    }

    public long pendingCount() {
        return pending.get();
    }

    /** A status for plain (non-CDI) use in tests and tools. */
    public static OutboxStatus detached() {
        return new OutboxStatus();
    }
}
