package io.alfred.gitops.dashboard;

import io.alfred.gitops.Revision;
import io.alfred.gitops.reconcile.SyncStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The last cycles as a plot, laid out for the page's SVG: one bar per cycle, its length the
 * cycle's duration, its segments the stages from the cycle's own timings (fetch, render, plan,
 * gate, apply, wait, prune), its outcome as a colour, an icon and a word; the push-to-applied
 * latency of the pushes among them beside it. Widths are in per mille of the plot's width, so the
 * template only multiplies.
 */
public record Timeline(List<Bar> bars, List<Latency> latencies, String scale) {
    /** The plot's width for the longest cycle, in SVG units. */
    static final int WIDTH = 600;

    static final int ROW = 22;

    /** One stage's part of a bar. */
    public record Segment(String stage, int x, int width, String title) {}

    /**
     * One cycle.
     *
     * @param y the bar's top, in SVG units
     * @param title what hovering shows: trigger, revision, outcome, duration and each stage
     */
    public record Bar(
            int y, String outcome, String icon, String label, int width, List<Segment> segments, String title) {
        /** Where the bar's words start: just after it. */
        public int labelX() {
            return width + 6;
        }
    }

    /** A push's latency, from its notice to the end of the cycle that applied it. */
    public record Latency(String revision, String seconds, String at) {}

    static Timeline of(List<SyncStatus.RecentCycle> recent) {
        long longest = Math.max(
                1,
                recent.stream()
                        .mapToLong(SyncStatus.RecentCycle::durationMs)
                        .max()
                        .orElse(1));
        List<Bar> bars = new ArrayList<>();
        List<Latency> latencies = new ArrayList<>();
        int y = 0;
        for (SyncStatus.RecentCycle c : recent) { // newest first: newest on top
            int width = (int) Math.max(2, c.durationMs() * WIDTH / longest);
            List<Segment> segments = new ArrayList<>();
            int x = 0;
            StringBuilder stages = new StringBuilder();
            for (Map.Entry<String, Long> s : c.stagesMs().entrySet()) {
                int w = (int) (s.getValue() * WIDTH / longest);
                if (w > 0) {
                    segments.add(new Segment(s.getKey(), x, w, s.getKey() + " " + seconds(s.getValue()) + " s"));
                    x += w;
                }
                stages.append(", ")
                        .append(s.getKey())
                        .append(' ')
                        .append(seconds(s.getValue()))
                        .append(" s");
            }
            String revision = c.revision() == null ? "-" : Revision.abbreviate(c.revision());
            String title = (c.trigger().isEmpty() ? "" : c.trigger() + " · ") + revision + " · " + c.outcome() + " in "
                    + seconds(c.durationMs()) + " s" + stages;
            bars.add(new Bar(
                    y,
                    c.outcome(),
                    icon(c.outcome()),
                    c.outcome() + " " + seconds(c.durationMs()) + " s",
                    width,
                    segments,
                    title));
            y += ROW;
            if (c.pushToAppliedMs() >= 0) {
                latencies.add(new Latency(revision, seconds(c.pushToAppliedMs()), c.at().toString()));
            }
        }
        return new Timeline(bars, latencies, seconds(longest) + " s");
    }

    /** The plot's height, in SVG units. */
    public int height() {
        return Math.max(ROW, bars.size() * ROW);
    }

    static String icon(String outcome) {
        return switch (outcome) {
            case "succeeded" -> "✔";
            case "failed" -> "✖";
            case "blocked" -> "⊘";
            case "rolledback" -> "↺";
            default -> "•";
        };
    }

    private static String seconds(long millis) {
        return String.format(Locale.ROOT, "%.1f", millis / 1000.0);
    }
}
