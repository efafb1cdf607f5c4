package io.alfred.gitops.state;

import java.util.List;
import java.util.Map;

/**
 * One cycle as the history keeps it: what started it, which commit, how it ended and what it did.
 * Text fields are cut to a few hundred characters so that twenty records stay far below a
 * ConfigMap's 1 MiB.
 *
 * @param at when the cycle ended (ISO-8601)
 * @param outcome succeeded, noop, failed, blocked, rolledback, suspended
 * @param counts objects per action (created, configured, deleted, ...)
 * @param problem the first error or refusal, empty when none
 * @param signer who signed the revision, as the verify stage found it (empty when verification is off)
 */
public record CycleRecord(
        String at,
        String trigger,
        String revision,
        String subject,
        String author,
        String outcome,
        boolean drift,
        Map<String, Integer> counts,
        long durationMs,
        String problem,
        List<String> findings,
        String signer) {
    static final int MAX_TEXT = 400;
    static final int MAX_FINDINGS = 3;

    public CycleRecord {
        subject = cut(subject);
        author = cut(author);
        problem = cut(problem);
        signer = cut(signer);
        counts = Map.copyOf(counts);
        findings = findings.stream().limit(MAX_FINDINGS).map(CycleRecord::cut).toList();
    }

    static String cut(String text) {
        if (text == null) {
            return "";
        }
        return text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT - 1) + "…";
    }

    /** "3 created, 1 configured", or "no changes". */
    public String changes() {
        StringBuilder out = new StringBuilder();
        counts.entrySet().stream()
                .filter(e -> !e.getKey().equals("unchanged"))
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> out.append(out.length() == 0 ? "" : ", ")
                        .append(e.getValue())
                        .append(' ')
                        .append(e.getKey()));
        return out.length() == 0 ? "no changes" : out.toString();
    }
}
