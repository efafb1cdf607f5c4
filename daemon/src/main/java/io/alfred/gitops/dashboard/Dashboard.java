package io.alfred.gitops.dashboard;

import io.alfred.gitops.Revision;
import io.alfred.gitops.change.Change;
import io.alfred.gitops.cluster.WriteGuard;
import io.alfred.gitops.dashboard.DashboardPage.Badge;
import io.alfred.gitops.dashboard.DashboardPage.ChangeRow;
import io.alfred.gitops.dashboard.DashboardPage.CycleRow;
import io.alfred.gitops.dashboard.DashboardPage.OutboxRow;
import io.alfred.gitops.dashboard.DashboardPage.PreviewRow;
import io.alfred.gitops.dashboard.DashboardPage.RevisionRow;
import io.alfred.gitops.dashboard.DashboardPage.SourceRow;
import io.alfred.gitops.events.OutboxStatus;
import io.alfred.gitops.preview.GateVerdict;
import io.alfred.gitops.preview.Preview;
import io.alfred.gitops.pubsub.PubSubHealth;
import io.alfred.gitops.reconcile.SyncLoop;
import io.alfred.gitops.reconcile.SyncStatus;
import io.alfred.gitops.state.CycleRecord;
import io.alfred.gitops.state.HistoryStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Builds the dashboard's page from what the daemon knows: its status, the in-cluster history, the
 * last change sets it keeps in memory, the managed workloads and their budgets (read, never
 * written), the events outbox and the Pub/Sub resources.
 */
@ApplicationScoped
public class Dashboard {
    @Inject
    SyncStatus status;

    @Inject
    SyncLoop loop;

    @Inject
    OutboxStatus outbox;

    @Inject
    PubSubHealth pubsub;

    /** Previews shown, newest first ({@code GET /previews} has all that are kept). */
    static final int PREVIEWS_SHOWN = 10;

    public DashboardPage page() {
        SyncStatus.View v = status.view();
        String namespace = loop.settings().map(s -> s.apply().namespace()).orElse("alfred-gitops");
        List<CycleRecord> history = history(namespace);
        List<SyncStatus.RecentCycle> recent = status.recentCycles();
        List<CycleRow> cycles = history.stream().map(r -> cycle(r, recent)).toList();
        List<String> findings = recent.isEmpty() ? List.of() : recent.get(0).findings();
        Workloads workloads =
                loop.client().map(c -> Workloads.read(c, namespace)).orElse(Workloads.none());
        String source = v.source() == null
                ? ""
                : v.source().url() + " @ " + v.source().ref() + " : "
                        + v.source().path();
        return new DashboardPage(
                nonNull(v.cluster()),
                nonNull(v.environment()),
                badge(v),
                source,
                revision(v.lastAppliedRevision(), history),
                revision(v.lastFetchedRevision(), history),
                v.verified() == null ? "" : v.verified().signer().describe(),
                v.running() == null
                        ? ""
                        : v.running().stage()
                                + (v.running().revision() == null
                                        ? ""
                                        : " at "
                                                + Revision.abbreviate(
                                                        v.running().revision())),
                v.held() == null
                        ? ""
                        : Revision.abbreviate(v.held().revision()) + " held by gate "
                                + v.held().gate() + ": " + v.held().reason(),
                v.promotion() == null
                        ? ""
                        : v.promotion().state()
                                + (v.promotion().reason().isEmpty()
                                        ? ""
                                        : ": " + v.promotion().reason()),
                cycles,
                findings,
                workloads.rows(),
                workloads.problem(),
                new OutboxRow(
                        outbox.pendingCount(),
                        outbox.lastPublishedAt() == null
                                ? "never"
                                : outbox.lastPublishedAt().toString(),
                        outbox.publishedCount(),
                        outbox.isFull()),
                pubsub.view().entrySet().stream()
                        .map(e -> new SourceRow(
                                e.getKey(),
                                e.getValue().state(),
                                nonNull(e.getValue().detail())))
                        .toList(),
                loop.previews().map(p -> p.recent()).orElse(List.of()).stream()
                        .limit(PREVIEWS_SHOWN)
                        .map(Dashboard::preview)
                        .toList(),
                tree(namespace, recent, v),
                Timeline.of(recent),
                v.lastError() == null
                        ? ""
                        : v.lastError().stage() + ": " + v.lastError().message());
    }

    /** What the page's script polls: the badge, the stage in progress, and when the last cycle ended. */
    public Map<String, String> live() {
        SyncStatus.View v = status.view();
        Badge badge = badge(v);
        return Map.of(
                "badge",
                badge.key(),
                "label",
                badge.label(),
                "stage",
                v.running() == null ? "" : v.running().stage(),
                "lastCycleAt",
                v.lastCycleAt() == null ? "" : v.lastCycleAt().toString());
    }

    /** The badge: suspended, progressing, failed, blocked, drifted or in sync. */
    static Badge badge(SyncStatus.View v) {
        if (v.suspension() != null && v.suspension().suspended()) {
            return new Badge("suspended", "Suspended");
        }
        if (v.running() != null && List.of("apply", "wait").contains(v.running().stage())) {
            return new Badge("progressing", "Progressing (" + v.running().stage() + ")");
        }
        if ("failed".equals(v.lastResult())) {
            return new Badge("failed", "Failed");
        }
        if (v.failedRevision() != null && v.failedRevision().equals(v.lastFetchedRevision())) {
            return new Badge("failed", "Failed: " + Revision.abbreviate(v.failedRevision()) + " is not applied");
        }
        if (v.held() != null || "blocked".equals(v.lastResult())) {
            return new Badge("blocked", "Blocked");
        }
        if (v.conflicts() != null && !v.conflicts().isEmpty()) {
            return new Badge("drifted", "Drifted (" + v.conflicts().size() + " held back)");
        }
        if (v.lastAppliedRevision() == null) {
            return new Badge("progressing", "Not synced yet");
        }
        return new Badge("in-sync", "In sync");
    }

    private ObjectTree tree(String namespace, List<SyncStatus.RecentCycle> recent, SyncStatus.View v) {
        Set<String> held = v.conflicts() == null
                ? Set.of()
                : v.conflicts().stream().map(SyncStatus.Conflict::object).collect(Collectors.toSet());
        Set<String> drifting = loop.runner()
                .flatMap(r -> r.driftWatch())
                .map(w -> w.drifting())
                .orElse(Set.of());
        return loop.client()
                .map(c -> ObjectTree.read(c, namespace, recent, held, drifting))
                .orElse(ObjectTree.none(""));
    }

    private List<CycleRecord> history(String namespace) {
        try {
            return loop.client()
                    .map(c -> new HistoryStore(c, namespace, "", WriteGuard.ALWAYS).load())
                    .orElse(List.of());
        } catch (RuntimeException e) {
            return List.of();
        }
    }

    private static CycleRow cycle(CycleRecord r, List<SyncStatus.RecentCycle> recent) {
        Instant at = Instant.parse(r.at());
        SyncStatus.RecentCycle kept = recent.stream()
                .filter(c -> r.revision().equals(c.revision())
                        && Math.abs(Duration.between(c.at(), at).toMillis()) < 3000)
                .findFirst()
                .orElse(null);
        List<ChangeRow> changes = kept == null
                ? List.of()
                : kept.changes().stream().map(Dashboard::change).toList();
        return new CycleRow(
                r.at(),
                r.trigger(),
                Revision.abbreviate(r.revision()),
                r.subject(),
                r.outcome(),
                String.format(Locale.ROOT, "%.1f s", r.durationMs() / 1000.0),
                r.changes(),
                r.problem(),
                changes,
                kept == null ? r.findings() : kept.findings());
    }

    private static PreviewRow preview(Preview p) {
        String sha = p.revision().orElse("");
        return new PreviewRow(
                p.pullRequest().host().label() + " #" + p.pullRequest().number()
                        + (p.pullRequest().fork() ? " (fork)" : ""),
                Revision.abbreviate(sha),
                sha,
                p.verdict().name().toLowerCase(Locale.ROOT).replace('_', '-'),
                p.verdict().label(),
                p.summary(),
                p.at().toString(),
                p.gates().stream().map(GateVerdict::line).toList(),
                p.changes(),
                p.pruned(),
                p.diff(),
                p.error().orElse(""));
    }

    private static ChangeRow change(Change c) {
        return new ChangeRow(c.ref().toString(), c.action().label(), c.note(), c.diff());
    }

    private static RevisionRow revision(String sha, List<CycleRecord> history) {
        if (sha == null || sha.isEmpty()) {
            return new RevisionRow("none", "", "", "");
        }
        CycleRecord known = history.stream()
                .filter(r -> sha.equals(r.revision()) && !r.subject().isEmpty())
                .findFirst()
                .orElse(null);
        return new RevisionRow(
                Revision.abbreviate(sha),
                sha,
                known == null ? "" : known.subject(),
                known == null ? "" : known.author());
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }
}
