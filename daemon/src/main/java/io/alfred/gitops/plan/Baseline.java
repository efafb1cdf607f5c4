package io.alfred.gitops.plan;

/**
 * What a plan may take for granted about the live objects. A dry run of every object is the safe
 * default; live state may be trusted only when exactly this render was applied in full before (then
 * nothing was removed from git since, and a dry run could not find anything else), and then the
 * watches' view answers for the kinds it covers, a LIST for the rest.
 *
 * @param trustLive an object whose live state already holds every field git gives it is unchanged
 *     without a dry run
 * @param view what the watches know of the live objects ({@link LiveView#NONE}: list them)
 */
public record Baseline(boolean trustLive, LiveView view) {
    /** Every object is dry-run: nothing is taken from the live state. */
    public static Baseline dryRunAll() {
        return new Baseline(false, LiveView.NONE);
    }

    /** Live objects that hold git's fields are unchanged; {@code view} answers before a LIST does. */
    public static Baseline trusting(LiveView view) {
        return new Baseline(true, view);
    }

    /** {@link #trusting} when {@code trusted}, else {@link #dryRunAll}. */
    public static Baseline of(boolean trusted, LiveView view) {
        return trusted ? trusting(view) : dryRunAll();
    }
}
