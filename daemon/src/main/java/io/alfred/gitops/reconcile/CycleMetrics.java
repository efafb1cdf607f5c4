package io.alfred.gitops.reconcile;

import io.alfred.gitops.Stage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The cycle's metrics on {@code /q/metrics}: {@code gitops_reconcile_total{result}},
 * {@code gitops_reconcile_duration_seconds{stage}}, {@code gitops_revision_info{revision}},
 * {@code gitops_objects_managed}, {@code gitops_drift_corrected_total},
 * {@code gitops_gate_blocked_total{rule}}, {@code gitops_suspended}.
 */
public final class CycleMetrics {
    private final MeterRegistry registry;
    private final AtomicInteger managed = new AtomicInteger();
    private final MultiGauge revision;
    private final AtomicInteger suspended = new AtomicInteger();
    private final AtomicInteger conflicts = new AtomicInteger();

    public CycleMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("gitops.objects.managed", managed, AtomicInteger::get)
                .description("Objects in the inventory")
                .register(registry);
        Gauge.builder("gitops.drift.conflicts", conflicts, AtomicInteger::get)
                .description("Objects the daemon stopped correcting: another writer keeps changing them back")
                .register(registry);
        Gauge.builder("gitops.suspended", suspended, AtomicInteger::get)
                .description("1 while alfred-gitops suspend is in force: the daemon writes nothing")
                .register(registry);
        this.revision = MultiGauge.builder("gitops.revision.info")
                .description("The applied revision (value 1)")
                .register(registry);
    }

    public static CycleMetrics detached() {
        return new CycleMetrics(new SimpleMeterRegistry());
    }

    void cycle(CycleResult result, int inventorySize) {
        Counter.builder("gitops.reconcile")
                .description("Cycles by result")
                .tag("result", result.outcome().name().toLowerCase())
                .register(registry)
                .increment();
        managed.set(inventorySize);
        if (result.drift()) {
            Counter.builder("gitops.drift.corrected")
                    .description("Cycles that put back live objects changed outside git")
                    .register(registry)
                    .increment();
        }
        if (result.refusal() != null) {
            Counter.builder("gitops.gate.blocked")
                    .description("Cycles refused by a safety gate")
                    .tag("rule", result.refusal().gate().label())
                    .register(registry)
                    .increment();
        }
        result.stageDurations().forEach((stage, d) -> stage(stage, d));
    }

    void stage(Stage stage, Duration duration) {
        Timer.builder("gitops.reconcile.duration")
                .description("Time spent per stage of a cycle")
                .tag("stage", stage.label())
                .register(registry)
                .record(duration);
    }

    void conflicts(int objects) {
        conflicts.set(objects);
    }

    void suspended(boolean on) {
        suspended.set(on ? 1 : 0);
    }

    void applied(String rev) {
        revision.register(List.of(MultiGauge.Row.of(Tags.of("revision", rev), 1)), true);
    }

    public double count(String result) {
        Counter c = registry.find("gitops.reconcile").tag("result", result).counter();
        return c == null ? 0 : c.count();
    }
}
