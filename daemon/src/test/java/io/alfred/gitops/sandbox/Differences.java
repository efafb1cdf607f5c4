package io.alfred.gitops.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * How the kubectl session's answers from the sandbox and from the real control plane are compared:
 * what is different on every server by nature (generated names, uids, addresses, ages, times,
 * resourceVersions, column widths) is replaced by a placeholder, and the rest must be equal. The
 * differences left are listed in {@link #KNOWN}, each with its reason, and in the README.
 */
final class Differences {
    /** Normalizations: pattern and placeholder, applied in order. */
    private static final List<Map.Entry<Pattern, String>> NATURE = List.of(
            Map.entry(Pattern.compile("\\b([a-z][a-z0-9-]*?)-[a-z0-9]{8,10}-[a-z0-9]{5}\\b"), "$1-<rs>-<pod>"),
            Map.entry(Pattern.compile("\\b([a-z][a-z0-9-]*?)-[bcdfghjklmnpqrstvwxz2456789]{8,10}\\b"), "$1-<rs>"),
            Map.entry(Pattern.compile("\\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\\b"), "<uid>"),
            Map.entry(Pattern.compile("\\b\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\b"), "<ip>"),
            Map.entry(Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"), "<time>"),
            Map.entry(Pattern.compile("(?m)\\b\\d+(\\.\\d+)?(ms|s|m|h|d)(\\d+s)?\\b"), "<age>"),
            Map.entry(Pattern.compile("pod-template-hash=[a-z0-9]+"), "pod-template-hash=<hash>"),
            Map.entry(Pattern.compile("(?m)^Waiting for deployment .*\\R"), ""),
            Map.entry(Pattern.compile("[ \\t]+"), " "));

    /**
     * Steps whose answers still differ, by the start of their command, with the reason. A step listed
     * here is still run and checked against the documentation on both servers; only the comparison
     * of the two answers is left out.
     */
    static final Map<String, String> KNOWN = Map.of(
            "describe deployment web",
            "describe lists the Deployment controller's Events (ScalingReplicaSet) and the conditions' "
                    + "reasons of each step of its rollouts; the sandbox's controllers record fewer",
            "get pods -n shop -l app=crash",
            "the real node reports restarts as they happen (3 here); the sandbox a count of its own",
            "api-resources --api-group=apps",
            "the sandbox serves no ControllerRevisions (it keeps no StatefulSet or DaemonSet history)",
            "get all -n shop",
            "a real namespace also lists the ReplicaSets of every rollout, and the crash Deployment's pods "
                    + "at the moment's counts");

    private Differences() {}

    static String normalize(String text) {
        String out = text;
        for (Map.Entry<Pattern, String> n : NATURE) {
            out = n.getKey().matcher(out).replaceAll(n.getValue());
        }
        // rows in the order of their generated names, which differ: compare them as a set
        return out.strip().lines().sorted().collect(Collectors.joining("\n"));
    }

    static void assertSame(
            KubectlSessionTest.Step step, KubectlSessionTest.Result sandbox, KubectlSessionTest.Result real) {
        String command = String.join(" ", step.args());
        for (Map.Entry<String, String> known : KNOWN.entrySet()) {
            if (command.startsWith(known.getKey())) {
                return;
            }
        }
        assertThat(sandbox.exit()).as("exit code of kubectl %s", command).isEqualTo(real.exit());
        assertThat(normalize(sandbox.out() + sandbox.err()))
                .as(
                        "kubectl %s: the sandbox's answer (left) against the real control plane's (right), normalized",
                        command)
                .isEqualTo(normalize(real.out() + real.err()));
    }
}
