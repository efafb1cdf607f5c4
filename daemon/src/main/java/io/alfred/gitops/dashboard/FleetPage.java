package io.alfred.gitops.dashboard;

import io.alfred.gitops.events.FleetView;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * The fleet page ({@code GET /fleet}): one row per cluster heard of on the events topic, with its
 * environment, applied revision, last outcome and its age, and where promotion stands.
 *
 * @param self this daemon's cluster, marked on its row
 * @param note what the page cannot show, and what to set (no subscription configured, nothing heard yet)
 */
public record FleetPage(String self, List<Row> rows, String note) {

    /**
     * One cluster.
     *
     * @param outcomeKey the CSS class of the outcome ({@code succeeded}, {@code failed}, ...)
     * @param waitingFor what a held revision waits for (a promotion's proof), or empty
     */
    public record Row(
            String name,
            String environment,
            String applied,
            String outcome,
            String outcomeKey,
            String state,
            String age,
            String waitingFor,
            boolean self) {}

    static FleetPage of(String self, boolean configured, List<FleetView.Cluster> clusters, Instant now) {
        List<Row> rows = clusters.stream()
                .map(c -> new Row(
                        c.name(),
                        c.environment(),
                        c.applied().isEmpty() ? "-" : c.applied(),
                        c.outcome().isEmpty() ? "-" : c.outcome(),
                        c.outcome().isEmpty() ? "unknown" : c.outcome().toLowerCase(Locale.ROOT),
                        c.state(),
                        c.at() == null ? "-" : age(Duration.between(c.at(), now)),
                        c.waitingFor(),
                        c.name().equals(self)))
                .toList();
        String note = !configured
                ? "No fleet subscription: set gitops.fleet.subscription to a subscription on the events topic"
                        + " (gitops.events.topic) to see every cluster here."
                : rows.isEmpty() ? "No event heard yet on the fleet subscription; rows appear as clusters deploy." : "";
        return new FleetPage(self, rows, note);
    }

    /** {@code 42 s ago}, {@code 5 min ago}, {@code 3 h ago}, {@code 2 d ago}. */
    static String age(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s < 120) {
            return s + " s ago";
        }
        if (s < 7200) {
            return s / 60 + " min ago";
        }
        if (s < 172_800) {
            return s / 3600 + " h ago";
        }
        return s / 86_400 + " d ago";
    }
}
