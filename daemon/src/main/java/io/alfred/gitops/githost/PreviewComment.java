package io.alfred.gitops.githost;

import io.alfred.gitops.Revision;
import io.alfred.gitops.preview.GateVerdict;
import io.alfred.gitops.preview.Preview;
import io.alfred.gitops.preview.Verdict;
import java.util.List;

/**
 * The comment a reviewer reads on a pull request, one per cluster: the verdict, each gate, what
 * would change and be pruned, and the diffs (folded). It holds what the preview holds and nothing
 * else: diffs never carry a Secret's value, and the preview has already masked the daemon's
 * environment and substitutions.
 */
public final class PreviewComment {
    /** GitHub keeps at most 65,536 characters per comment; GitLab 1,000,000. */
    static final int LIMIT = 60_000;

    private PreviewComment() {}

    /** The hidden line that finds the comment again: one per cluster. */
    public static String marker(String cluster) {
        return "<!-- alfred-gitops:preview:" + cluster + " -->";
    }

    public static String markdown(Preview p) {
        StringBuilder sb = new StringBuilder();
        sb.append(marker(p.cluster())).append('\n');
        sb.append("### ")
                .append(icon(p.verdict()))
                .append(" alfred-gitops · `")
                .append(p.cluster())
                .append("` (")
                .append(p.environment())
                .append("): **")
                .append(p.verdict().label())
                .append("**\n\n");
        sb.append("Head `")
                .append(p.revision().map(Revision::abbreviate).orElse("?"))
                .append("` · ")
                .append(p.summary())
                .append(" · previewed in ")
                .append(String.format("%.1f", p.took().toMillis() / 1000.0))
                .append(" s")
                .append(" with the cluster's server-side dry run; nothing was written.\n\n");
        p.error()
                .ifPresent(
                        e -> sb.append("> **Would fail:** ").append(inline(e)).append("\n\n"));
        if (!p.gates().isEmpty()) {
            sb.append("| gate | verdict | why |\n|---|---|---|\n");
            for (GateVerdict g : p.gates()) {
                sb.append("| ")
                        .append(g.gate().label())
                        .append(" | ")
                        .append(g.passes() ? "✅ passes" : "⛔ refuses")
                        .append(" | ")
                        .append(inline(g.reason()))
                        .append(" |\n");
            }
            sb.append('\n');
        }
        list(sb, "Would change", p.changes());
        list(sb, "Would delete (prune)", p.pruned());
        list(sb, "Findings", p.findings());
        if (!p.diff().isEmpty()) {
            sb.append("<details><summary>Diff (").append(p.changes().size()).append(" objects)</summary>\n\n```diff\n");
            int room = LIMIT - sb.length() - 200;
            String diff = p.diff().replace("```", "``\u200b`");
            sb.append(
                    diff.length() > room
                            ? diff.substring(0, Math.max(0, room)) + "\n... (cut; GET /previews/"
                                    + p.revision().orElse("") + " has it whole)\n"
                            : diff);
            sb.append("```\n</details>\n");
        }
        return sb.toString();
    }

    private static void list(StringBuilder sb, String title, List<String> lines) {
        if (lines.isEmpty()) {
            return;
        }
        sb.append("**").append(title).append("** (").append(lines.size()).append("):\n");
        int shown = 0;
        for (String line : lines) {
            if (shown++ == 50) {
                sb.append("- ... and ").append(lines.size() - 50).append(" more\n");
                break;
            }
            sb.append("- `").append(line.replace("`", "'")).append("`\n");
        }
        sb.append('\n');
    }

    /** A text on one table row: no line breaks, no pipes that would end the cell. */
    private static String inline(String text) {
        return text.replace('\n', ' ').replace("|", "\\|");
    }

    private static String icon(Verdict verdict) {
        return switch (verdict) {
            case WOULD_APPLY -> "✅";
            case WOULD_BE_BLOCKED -> "⛔";
            case WOULD_FAIL -> "❌";
        };
    }
}
