package io.alfred.gitops.dashboard;

import java.util.List;

/**
 * What the dashboard shows, ready for the template: every value a string or a small record, every
 * text taken from git (commit subjects, diffs) escaped by the template, never here.
 */
public record DashboardPage(
        String cluster,
        String environment,
        Badge badge,
        String source,
        RevisionRow applied,
        RevisionRow fetched,
        String signer,
        String running,
        String held,
        String promotion,
        List<CycleRow> cycles,
        List<String> findings,
        List<WorkloadRow> workloads,
        String workloadsProblem,
        OutboxRow outbox,
        List<SourceRow> sources,
        List<PreviewRow> previews,
        ObjectTree tree,
        Timeline timeline,
        String lastError) {

    /** The sync state: a CSS class and the words, so that colour is never the only signal. */
    public record Badge(String key, String label) {}

    public record RevisionRow(String shortSha, String sha, String subject, String author) {}

    /** One cycle of the timeline (from the in-cluster history), with its change set when the daemon still has it. */
    public record CycleRow(
            String at,
            String trigger,
            String shortSha,
            String subject,
            String outcome,
            String duration,
            String counts,
            String problem,
            List<ChangeRow> changes,
            List<String> findings) {}

    public record ChangeRow(String object, String action, String note, String diff) {}

    /** A managed workload's replicas, and its PodDisruptionBudget's allowed disruptions. */
    public record WorkloadRow(
            String object, String desired, String updated, String available, String pdb, String allowedDisruptions) {}

    public record OutboxRow(long pending, String lastPublished, long published, boolean full) {}

    /** A pull request's preview: what a deploy of its head would do here. */
    public record PreviewRow(
            String pullRequest,
            String shortSha,
            String sha,
            String verdictKey,
            String verdict,
            String summary,
            String at,
            List<String> gates,
            List<String> changes,
            List<String> pruned,
            String diff,
            String error) {}

    /** A trigger source or the events topic, and its state. */
    public record SourceRow(String name, String state, String detail) {}
}
