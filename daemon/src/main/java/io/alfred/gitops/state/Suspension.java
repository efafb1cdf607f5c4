package io.alfred.gitops.state;

/**
 * Whether the daemon may write, as {@code alfred-gitops suspend} / {@code resume} left it.
 *
 * @param by who suspended or resumed (the kubeconfig user, else the local user and host)
 * @param since when (ISO-8601), empty when never set
 */
public record Suspension(boolean suspended, String by, String reason, String since) {
    public static Suspension none() {
        return new Suspension(false, "", "", "");
    }

    /** One line for logs and events: "suspended by ana@laptop since ...: hotfix". */
    public String describe() {
        return (suspended ? "suspended" : "resumed")
                + (by.isEmpty() ? "" : " by " + by)
                + (since.isEmpty() ? "" : (suspended ? " since " : " at ") + since)
                + (reason.isEmpty() ? "" : ": " + reason);
    }
}
