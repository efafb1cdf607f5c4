package io.alfred.gitops.change;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** The per-object result of a plan, an apply or a prune, in apply order. */
public final class ChangeSet {
    private final List<Change> changes;

    public ChangeSet(List<Change> changes) {
        this.changes = List.copyOf(changes);
    }

    public static ChangeSet empty() {
        return new ChangeSet(List.of());
    }

    public List<Change> changes() {
        return changes;
    }

    public ChangeSet plus(ChangeSet other) {
        List<Change> all = new ArrayList<>(changes);
        all.addAll(other.changes);
        return new ChangeSet(all);
    }

    /** Only the entries that are not {@code unchanged}. */
    public List<Change> effective() {
        return changes.stream().filter(c -> c.action() != Action.UNCHANGED).toList();
    }

    public boolean hasChanges() {
        return changes.stream()
                .anyMatch(c -> c.action() == Action.CREATED
                        || c.action() == Action.CONFIGURED
                        || c.action() == Action.DELETED
                        || c.action() == Action.RECREATED
                        || c.action() == Action.IMMUTABLE);
    }

    public Map<Action, Integer> counts() {
        Map<Action, Integer> counts = new EnumMap<>(Action.class);
        changes.forEach(c -> counts.merge(c.action(), 1, Integer::sum));
        return Collections.unmodifiableMap(counts);
    }

    public String summary() {
        StringBuilder sb = new StringBuilder();
        counts().forEach((a, n) ->
                sb.append(sb.length() == 0 ? "" : ", ").append(n).append(' ').append(a.label()));
        return sb.length() == 0 ? "no objects" : sb.toString();
    }

    /** One line per object, then the diffs of the objects that change. */
    public String render(boolean withDiffs) {
        StringBuilder sb = new StringBuilder();
        changes.forEach(c -> sb.append(c.line()).append('\n'));
        if (withDiffs) {
            for (Change c : changes) {
                if (!c.diff().isEmpty()) {
                    sb.append('\n').append(c.diff());
                    if (!c.diff().endsWith("\n")) {
                        sb.append('\n');
                    }
                }
            }
        }
        return sb.toString();
    }
}
