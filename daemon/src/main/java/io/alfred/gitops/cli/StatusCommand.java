package io.alfred.gitops.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.alfred.gitops.Revision;
import io.alfred.gitops.StageException;
import io.alfred.gitops.cluster.ClusterConnection;
import io.alfred.gitops.promotion.ProofLedger;
import io.alfred.gitops.promotion.UpstreamEvent;
import io.alfred.gitops.state.ClusterState;
import io.alfred.gitops.state.CycleRecord;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code status}: the daemon's state as it keeps it in the cluster; no port-forward needed. */
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        description = "Sync state, revisions, the last cycles, pending events and the leader, read from the cluster."
                + " Exit 0 healthy, 1 failing, blocked, drifted or not synced yet, 2 error.")
public class StatusCommand extends StateCommandSupport implements Callable<Integer> {

    enum Format {
        text,
        json
    }

    @Option(
            names = {"-o", "--output"},
            paramLabel = "FORMAT",
            description = "text (default) or json.")
    Format output = Format.text;

    @Override
    public Integer call() {
        try (ClusterConnection cluster = connect()) {
            ClusterState state;
            try {
                state = ClusterState.read(cluster.client(), namespace());
            } catch (KubernetesClientException e) {
                throw cluster.accessFailure(e);
            }
            if (output == Format.json) {
                // built here, not in a static field: picocli loads this class for every --help
                ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
                out().println(json.writeValueAsString(json(state)));
            } else {
                print(state, out());
            }
            out().flush();
            return state.state().healthy() ? ExitCodes.OK : ExitCodes.CHANGES_OR_FAILED;
        } catch (StageException e) {
            return fail(e, ExitCodes.ERROR);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, Object> json(ClusterState s) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("namespace", s.namespace());
        out.put("state", s.state().label());
        out.put("healthy", s.state().healthy());
        out.put("lastAppliedRevision", nullToEmpty(s.inventory().lastAppliedRevision()));
        out.put("lastGoodRevision", nullToEmpty(s.inventory().lastGoodRevision()));
        out.put(
                "lastFetchedRevision",
                s.history().isEmpty() ? "" : s.history().get(0).revision());
        out.put("objects", s.inventory().entries().size());
        out.put("suspension", s.suspension());
        out.put("promotionProofs", s.proofs());
        out.put("pendingEvents", s.pendingEvents());
        out.put("leader", s.leader());
        out.put("history", s.history());
        return out;
    }

    static void print(ClusterState s, PrintWriter out) {
        out.printf("state:        %s%n", s.state().label());
        if (s.suspension().suspended() || !s.suspension().since().isEmpty()) {
            out.printf("suspend:      %s%n", s.suspension().describe());
        }
        out.printf("applied:      %s%n", describe(s, s.inventory().lastAppliedRevision()));
        if (s.inventory().lastGoodRevision() != null
                && !s.inventory().lastGoodRevision().equals(s.inventory().lastAppliedRevision())) {
            out.printf("last good:    %s%n", describe(s, s.inventory().lastGoodRevision()));
        }
        if (!s.history().isEmpty()) {
            CycleRecord last = s.history().get(0);
            out.printf("fetched:      %s%n", describe(s, last.revision()));
            out.printf(
                    "last cycle:   %s, %s (%s), %s%s%n",
                    last.at(),
                    last.outcome(),
                    last.trigger(),
                    last.changes(),
                    last.problem().isEmpty() ? "" : ": " + last.problem());
        }
        out.printf(
                "objects:      %d managed (ConfigMap %s/alfred-gitops-inventory)%n",
                s.inventory().entries().size(), s.namespace());
        out.printf("events:       %d waiting for Pub/Sub in the outbox%n", s.pendingEvents());
        out.printf("leader:       %s%n", s.leader().isEmpty() ? "no Lease (leader election off)" : s.leader());
        for (ProofLedger.Proof p : s.proofs()) {
            out.printf(
                    "promotion:    %s (%s) %s %s at %s%n",
                    p.cluster(),
                    p.environment(),
                    p.signal() == UpstreamEvent.Signal.REACHED ? "reached" : "failed",
                    Revision.abbreviate(p.revision()),
                    p.at());
        }
        if (s.history().isEmpty()) {
            out.println("history:      no cycle recorded yet (is the daemon running with this namespace?)");
            return;
        }
        out.printf(
                "%n%-20s  %-9s  %-12s  %-10s  %-26s  %8s  %s%n",
                "WHEN", "TRIGGER", "REVISION", "OUTCOME", "CHANGES", "DURATION", "COMMIT / PROBLEM");
        for (CycleRecord r : s.history()) {
            out.printf(
                    "%-20s  %-9s  %-12s  %-10s  %-26s  %7.1fs  %s%n",
                    r.at(),
                    r.trigger(),
                    Revision.abbreviate(r.revision()),
                    r.outcome(),
                    r.changes(),
                    r.durationMs() / 1000.0,
                    r.problem().isEmpty()
                            ? r.subject()
                            : r.problem().lines().findFirst().orElse(""));
        }
    }

    /** "f099837b4411 "Bump image" (Ana <ana@example.com>)" when the history knows the commit. */
    private static String describe(ClusterState s, String revision) {
        if (revision == null || revision.isEmpty()) {
            return "none yet";
        }
        return s.history().stream()
                .filter(r -> r.revision().equals(revision) && !r.subject().isEmpty())
                .findFirst()
                .map(r -> Revision.abbreviate(revision) + " \"" + r.subject() + "\" (" + r.author() + ")"
                        + (r.signer().isEmpty() ? "" : ", signed by " + r.signer()))
                .orElse(Revision.abbreviate(revision));
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
