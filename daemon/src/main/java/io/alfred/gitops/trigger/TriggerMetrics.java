package io.alfred.gitops.trigger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** {@code gitops_triggers_total{source, result}}: accepted, ignored (another repo or ref), malformed, unauthorized. */
public final class TriggerMetrics {
    private final MeterRegistry registry;

    public TriggerMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void count(String source, String result) {
        Counter.builder("gitops.triggers")
                .description("Push notifications received, by source and result")
                .tag("source", source)
                .tag("result", result)
                .register(registry)
                .increment();
    }

    public double value(String source, String result) {
        Counter c = registry.find("gitops.triggers")
                .tag("source", source)
                .tag("result", result)
                .counter();
        return c == null ? 0 : c.count();
    }
}
