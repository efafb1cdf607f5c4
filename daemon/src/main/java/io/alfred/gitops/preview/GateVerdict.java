package io.alfred.gitops.preview;

import io.alfred.gitops.safety.Gate;

/**
 * One gate's answer to a previewed revision.
 *
 * @param passes false when the gate would refuse the deploy
 * @param reason why, in the words of the refusal or what was checked
 */
public record GateVerdict(Gate gate, boolean passes, String reason) {
    public static GateVerdict passes(Gate gate, String reason) {
        return new GateVerdict(gate, true, reason);
    }

    public static GateVerdict refuses(Gate gate, String reason) {
        return new GateVerdict(gate, false, reason);
    }

    /** {@code pdb: passes (2 budgets checked)}. */
    public String line() {
        return gate.label() + ": " + (passes ? "passes" : "refuses") + (reason.isEmpty() ? "" : " (" + reason + ")");
    }
}
