package io.alfred.gitops.safety;

/**
 * A safety gate refused the cycle before anything was applied. Not a failure of the cluster or the
 * input: {@code reconcile --once} exits 3 and the cycle is reported as blocked.
 *
 * @see io.alfred.gitops.reconcile.CycleResult
 */
public class GateRefusal extends RuntimeException {
    private final Gate gate;
    private final String object;

    public GateRefusal(Gate gate, String object, String reason) {
        super(gate.label() + ": "
                + (object == null || object.isEmpty() || reason.startsWith(object) ? "" : object + ": ") + reason);
        this.gate = gate;
        this.object = object;
    }

    public Gate gate() {
        return gate;
    }

    public String object() {
        return object;
    }

    /** What makes two refusals of one revision the same one (published once): by default the message. */
    public String dedupKey() {
        return getMessage();
    }
}
