package io.alfred.gitops.preview;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.alfred.gitops.Revision;
import io.alfred.gitops.StageException;
import io.alfred.gitops.change.Change;
import io.alfred.gitops.change.ChangeSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * What a deploy of a pull request's head would do to this cluster, found without writing: the
 * change set with its diffs (as {@code diff} prints them: never a Secret's value), each gate's
 * verdict, the objects pruning would delete, and the verdict.
 *
 * @param revision the head commit previewed; empty when the fetch failed
 * @param changes one line per object that would change ({@code ConfigMap/ns/name configured})
 * @param diff the diffs of those objects
 * @param pruned the objects pruning would delete
 * @param findings what a deploy would say without refusing (scale steps, budget warnings)
 * @param error the stage, object and cause of a failure ({@link Verdict#WOULD_FAIL})
 */
public record Preview(
        PullRequest pullRequest,
        Optional<String> revision,
        String cluster,
        String environment,
        Instant at,
        Duration took,
        Verdict verdict,
        List<GateVerdict> gates,
        String summary,
        List<String> changes,
        String diff,
        List<String> pruned,
        List<String> findings,
        Optional<String> error) {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Diff characters a preview keeps, as a cycle keeps for the dashboard. */
    static final int DIFF_CHARS_KEPT = 256 * 1024;

    /** A preview that found what a deploy would do; the verdict follows from the gates and the plan. */
    static Preview of(
            PullRequest pr,
            String revision,
            Where where,
            Duration took,
            List<GateVerdict> gates,
            ChangeSet changes,
            List<String> pruned,
            List<String> immutable,
            List<String> findings) {
        Verdict verdict = !immutable.isEmpty()
                ? Verdict.WOULD_FAIL
                : gates.stream().allMatch(GateVerdict::passes) ? Verdict.WOULD_APPLY : Verdict.WOULD_BE_BLOCKED;
        return new Preview(
                pr,
                Optional.of(revision),
                where.cluster(),
                where.environment(),
                Instant.now(),
                took,
                verdict,
                List.copyOf(gates),
                changes.summary(),
                changes.effective().stream().map(Change::line).toList(),
                diffs(changes),
                List.copyOf(pruned),
                List.copyOf(findings),
                immutable.isEmpty()
                        ? Optional.empty()
                        : Optional.of("plan: immutable fields change on " + String.join(", ", immutable)
                                + " (gitops.apply.recreate-immutable is off)"));
    }

    /** A preview held before the render (verify): nothing of the revision is rendered. */
    static Preview held(PullRequest pr, String revision, Where where, Duration took, List<GateVerdict> gates) {
        return new Preview(
                pr,
                Optional.of(revision),
                where.cluster(),
                where.environment(),
                Instant.now(),
                took,
                Verdict.WOULD_BE_BLOCKED,
                List.copyOf(gates),
                "not rendered",
                List.of(),
                "",
                List.of(),
                List.of(),
                Optional.empty());
    }

    /** A fetch, render or plan that failed: a deploy of it would fail too. */
    static Preview failed(
            PullRequest pr,
            Optional<String> revision,
            Where where,
            Duration took,
            List<GateVerdict> gates,
            StageException e) {
        return new Preview(
                pr,
                revision,
                where.cluster(),
                where.environment(),
                Instant.now(),
                took,
                Verdict.WOULD_FAIL,
                List.copyOf(gates),
                "not planned",
                List.of(),
                "",
                List.of(),
                List.of(),
                Optional.of(e.getMessage()));
    }

    /** The same preview with every text it shows passed through {@code mask} ({@link Redaction}). */
    public Preview masked(UnaryOperator<String> mask) {
        return new Preview(
                pullRequest,
                revision,
                cluster,
                environment,
                at,
                took,
                verdict,
                gates.stream()
                        .map(g -> new GateVerdict(g.gate(), g.passes(), mask.apply(g.reason())))
                        .toList(),
                summary,
                changes.stream().map(mask).toList(),
                mask.apply(diff),
                pruned,
                findings.stream().map(mask).toList(),
                error.map(mask));
    }

    /** The cluster a preview speaks for. */
    public record Where(String cluster, String environment) {}

    /** {@code github#7 at 0123456789ab: would apply (2 configured, 1 deleted)}. */
    public String line() {
        return pullRequest.key()
                + revision.map(r -> " at " + Revision.abbreviate(r)).orElse("")
                + ": " + verdict.label()
                + (verdict == Verdict.WOULD_FAIL
                        ? error.map(e -> " (" + e + ")").orElse("")
                        : " (" + summary + ")");
    }

    /**
     * The JSON of {@code GET /previews/{revision}} (with the diff) and of the {@code preview.ready}
     * event's data and {@code GET /previews} (without: events carry no values, as every audit event).
     */
    public ObjectNode toJson(boolean withDiff) {
        ObjectNode n = JSON.createObjectNode();
        n.putObject("pullRequest")
                .put("host", pullRequest.host().label())
                .put("number", pullRequest.number())
                .put("ref", pullRequest.headRef())
                .put("fork", pullRequest.fork());
        pullRequest.actor().ifPresent(a -> ((ObjectNode) n.get("pullRequest")).put("actor", a));
        n.put("revision", revision.orElse(null))
                .put("cluster", cluster)
                .put("environment", environment)
                .put("at", at.toString())
                .put("durationMs", took.toMillis())
                .put("verdict", verdict.label())
                .put("summary", summary);
        ArrayNode g = n.putArray("gates");
        gates.forEach(v -> g.addObject()
                .put("gate", v.gate().label())
                .put("passes", v.passes())
                .put("reason", v.reason()));
        strings(n.putArray("changes"), changes);
        strings(n.putArray("pruned"), pruned);
        strings(n.putArray("findings"), findings);
        if (withDiff) {
            n.put("diff", diff);
        }
        error.ifPresent(e -> n.put("error", e));
        return n;
    }

    private static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }

    /**
     * The diffs of the objects that change, up to {@link #DIFF_CHARS_KEPT} characters: up to 50
     * previews are kept, and a pull request that touches thousands of objects must not fill the heap.
     */
    private static String diffs(ChangeSet changes) {
        StringBuilder sb = new StringBuilder();
        int left = 0;
        for (Change c : changes.changes()) {
            if (c.diff().isEmpty()) {
                continue;
            }
            if (sb.length() + c.diff().length() > DIFF_CHARS_KEPT) {
                left++;
                continue;
            }
            sb.append(c.diff());
            if (!c.diff().endsWith("\n")) {
                sb.append('\n');
            }
        }
        if (left > 0) {
            sb.append("... the diffs of ")
                    .append(left)
                    .append(" more objects are not kept (past ")
                    .append(DIFF_CHARS_KEPT / 1024)
                    .append(" KiB); git diff of the pull request shows them\n");
        }
        return sb.toString();
    }
}
