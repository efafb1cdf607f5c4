package io.alfred.gitops.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.alfred.gitops.testing.Kubectl;
import io.alfred.gitops.testing.TestCluster;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The differential kubectl suite: one scripted session of a person trying the product, run with the
 * real kubectl against the sandbox and, when one is configured ({@link TestCluster}), against the
 * real control plane too, step by step. Every expectation is what the Kubernetes documentation
 * shows a real API server answering (the page is named next to each step), not what the sandbox
 * happens to print; and each step's two answers are compared, names, uids, addresses and times
 * aside ({@link Differences}): a step that fails is a place where kubectl can tell the sandbox from
 * a real server. The steps run in order, as one session.
 */
class KubectlSessionTest {
    private static final String DEPLOYMENT_DOC = "concepts/workloads/controllers/deployment";

    @TempDir
    static Path tmp;

    static SandboxApiServer sandbox;
    static Path kubeconfig;
    /** The real control plane's kubeconfig, when one is configured; else null. */
    static TestCluster real;

    static Path realKubeconfig;
    static Path manifests;

    /** One command and what a real server's kubectl prints for it. */
    record Step(String doc, List<String> args, int exit, List<Pattern> expected, List<Pattern> absent, String newer) {
        static Step of(String doc, String command) {
            return new Step(doc, split(command), 0, List.of(), List.of(), null);
        }

        /**
         * What a server newer than the real control plane here (the 1.23 API level) answers: checked
         * on the sandbox, which serves that level, and skipped on the real one, saying why.
         */
        Step since(String why) {
            return new Step(doc, args, exit, expected, absent, why);
        }

        /** A read, which a person repeats until the controllers caught up; a write is run once. */
        boolean read() {
            return List.of("get", "describe", "rollout", "wait", "explain", "api-resources")
                            .contains(args.get(0))
                    && !(args.get(0).equals("rollout")
                            && args.size() > 1
                            && args.get(1).equals("undo"));
        }

        Step prints(String... regexes) {
            List<Pattern> all = new ArrayList<>(expected);
            for (String r : regexes) {
                all.add(Pattern.compile(r, Pattern.MULTILINE));
            }
            return new Step(doc, args, exit, all, absent, newer);
        }

        Step never(String... regexes) {
            List<Pattern> all = new ArrayList<>(absent);
            for (String r : regexes) {
                all.add(Pattern.compile(r, Pattern.MULTILINE));
            }
            return new Step(doc, args, exit, expected, all, newer);
        }

        Step fails(int code) {
            return new Step(doc, args, code, expected, absent, newer);
        }

        private static List<String> split(String command) {
            List<String> out = new ArrayList<>();
            var m = Pattern.compile("'([^']*)'|(\\S+)").matcher(command);
            while (m.find()) {
                out.add(m.group(1) != null ? m.group(1) : m.group(2));
            }
            return out;
        }
    }

    @BeforeAll
    static void start() throws IOException {
        sandbox = SandboxApiServer.start();
        sandbox.controllers().stuckImages("crashloop");
        kubeconfig = sandbox.writeKubeconfig(tmp.resolve("kubeconfig"));
        TestCluster cluster = TestCluster.start();
        if (cluster.isSandbox()) {
            cluster.close();
        } else {
            real = cluster;
            real.failImages("crashloop");
            realKubeconfig = real.writeKubeconfig(tmp.resolve("real-kubeconfig"));
        }
        manifests = tmp.resolve("manifests");
        Files.createDirectories(manifests);
        Path editor = manifests.resolve("editor.sh"); // what a person does in kubectl edit's editor
        Files.writeString(editor, "#!/bin/sh\nsed -i -e 's/minReadySeconds: 5/minReadySeconds: 7/' \"$1\"\n");
        editor.toFile().setExecutable(true);
        for (String f :
                List.of("web.yaml", "web-v2.yaml", "service.yaml", "unknown-field.yaml", "crd.yaml", "widget.yaml")) {
            try (var in = KubectlSessionTest.class.getResourceAsStream("/kubectl-session/" + f)) {
                Files.write(manifests.resolve(f), in.readAllBytes());
            }
        }
    }

    @AfterAll
    static void stop() {
        if (sandbox != null) {
            sandbox.close();
        }
        if (real != null) {
            real.close();
        }
    }

    static List<Step> session() {
        String m = manifests + "/";
        return List.of(
                Step.of("reference/kubectl/generated/kubectl_create/kubectl_create_namespace", "create namespace shop")
                        .prints("^namespace/shop created$"),
                Step.of(
                                "reference/kubectl/generated/kubectl_create/kubectl_create_configmap",
                                "create configmap settings -n shop --from-literal=mode=git")
                        .prints("^configmap/settings created$"),
                Step.of(
                                "concepts/configuration/secret (kubectl get secrets: TYPE Opaque, DATA)",
                                "create secret generic creds -n shop --from-literal=password=s3cret")
                        .prints("^secret/creds created$"),
                Step.of("tasks/configmap-secret/managing-secret-using-kubectl", "get secret creds -n shop")
                        .prints("^NAME\\s+TYPE\\s+DATA\\s+AGE$", "^creds\\s+Opaque\\s+1\\s+")
                        .never("s3cret"),
                Step.of(DEPLOYMENT_DOC + " (kubectl apply -f, validation on)", "apply -f " + m + "web.yaml")
                        .prints("^deployment.apps/web created$"),
                Step.of(DEPLOYMENT_DOC, "rollout status deployment/web -n shop")
                        .prints("deployment \"web\" successfully rolled out"),
                Step.of(DEPLOYMENT_DOC, "get deployments -n shop")
                        .prints("^NAME\\s+READY\\s+UP-TO-DATE\\s+AVAILABLE\\s+AGE$", "^web\\s+3/3\\s+3\\s+3\\s+"),
                Step.of(DEPLOYMENT_DOC, "get rs -n shop")
                        .prints(
                                "^NAME\\s+DESIRED\\s+CURRENT\\s+READY\\s+AGE$",
                                "^web-[a-z0-9]{6,10}\\s+3\\s+3\\s+3\\s+"),
                Step.of(DEPLOYMENT_DOC, "get pods -n shop --show-labels")
                        .prints(
                                "^NAME\\s+READY\\s+STATUS\\s+RESTARTS\\s+AGE\\s+LABELS$",
                                "^web-[a-z0-9]+-[a-z0-9]{5}\\s+1/1\\s+Running\\s+0\\s+\\S+\\s+app=we"
                                        + "b,pod-template-hash="),
                Step.of(
                                "concepts/overview/working-with-objects/owners-dependents",
                                "get pods -n shop -l app=web -o jsonpath={.items[*].metadata.ownerReferences[0].kind}")
                        .prints("^ReplicaSet ReplicaSet ReplicaSet$"),
                Step.of(DEPLOYMENT_DOC, "set image deployment/web -n shop web=nginx:1.27")
                        .prints("^deployment.apps/web image updated$"),
                Step.of(DEPLOYMENT_DOC, "rollout status deployment/web -n shop").prints("successfully rolled out"),
                Step.of(DEPLOYMENT_DOC + " (the old ReplicaSet is scaled to 0)", "get rs -n shop")
                        .prints("^web-\\S+\\s+3\\s+3\\s+3\\s+", "^web-\\S+\\s+0\\s+0\\s+0\\s+"),
                Step.of(DEPLOYMENT_DOC, "rollout history deployment/web -n shop")
                        .prints(
                                "^deployment.apps/web $",
                                "^REVISION\\s+CHANGE-CAUSE$",
                                "^1\\s+<none>$",
                                "^2\\s+<none>$"),
                Step.of(DEPLOYMENT_DOC, "rollout undo deployment/web -n shop")
                        .prints("^deployment.apps/web rolled back$"),
                Step.of(
                                DEPLOYMENT_DOC,
                                "get deployment web -n shop -o jsonpath={.spec.template.spec.containers[0].image}")
                        .prints("^nginx:1.25$"),
                Step.of(
                                DEPLOYMENT_DOC + " (the restored revision becomes the newest)",
                                "rollout history deployment/web -n shop")
                        .prints("^2\\s+<none>$", "^3\\s+<none>$")
                        .never("^1\\s+"),
                Step.of(DEPLOYMENT_DOC, "scale deployment/web -n shop --replicas=5")
                        .prints("^deployment.apps/web scaled$"),
                Step.of(DEPLOYMENT_DOC, "get deployment web -n shop").prints("^web\\s+5/5\\s+5\\s+5\\s+"),
                Step.of("reference/kubectl/generated/kubectl_label", "label deployment web -n shop tier=frontend")
                        .prints("^deployment.apps/web labeled$"),
                Step.of(
                                "reference/kubectl/generated/kubectl_annotate",
                                "annotate deployment web -n shop owner=platform")
                        .prints("^deployment.apps/web annotated$"),
                Step.of(
                                "concepts/overview/working-with-objects/labels",
                                "get deployments -n shop -l tier=frontend -o name")
                        .prints("^deployment.apps/web$"),
                Step.of(
                                "tasks/manage-kubernetes-objects/update-api-object-kubectl-patch (merge)",
                                "patch deployment web -n shop --type=merge -p '{\"spec\":{\"minReadySeconds\":5}}'")
                        .prints("^deployment.apps/web patched$"),
                Step.of(
                                "tasks/manage-kubernetes-objects/update-api-object-kubectl-patch (json)",
                                "patch deployment web -n shop --type=json -p "
                                        + "'[{\"op\":\"replace\",\"path\":\"/spec/replicas\",\"value\":2}]'")
                        .prints("^deployment.apps/web patched$"),
                Step.of(
                                "tasks/manage-kubernetes-objects/update-api-object-kubectl-patch "
                                        + "(strategic: containers merge by name)",
                                "patch deployment web -n shop -p "
                                        + "'{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"na"
                                        + "me\":\"web\",\"env\":[{\"name\":\"MODE\",\"value\":\"git\"}]}]}}}}'")
                        .prints("^deployment.apps/web patched$"),
                Step.of(
                                "tasks/manage-kubernetes-objects/update-api-object-kubectl-patch (the "
                                        + "merged container keeps its image and ports)",
                                "get deployment web -n shop -o "
                                        + "jsonpath={.spec.template.spec.containers[0].image}/{.spec"
                                        + ".template.spec.containers[0].ports[0].containerPort}/"
                                        + "{.spec.template.spec.containers[0].env[0].value}")
                        .prints("^nginx:1.25/80/git$"),
                Step.of("reference/kubectl/generated/kubectl_edit", "edit deployment web -n shop")
                        .prints("^deployment.apps/web edited$"),
                Step.of(
                                "reference/kubectl/generated/kubectl_edit (the edit is stored)",
                                "get deployment web -n shop -o jsonpath={.spec.minReadySeconds}")
                        .prints("^7$"),
                Step.of("reference/using-api/server-side-apply", "apply --server-side -f " + m + "service.yaml")
                        .prints("^service/web serverside-applied$"),
                Step.of("concepts/services-networking/service", "get service web -n shop")
                        .prints(
                                "^NAME\\s+TYPE\\s+CLUSTER-IP\\s+EXTERNAL-IP\\s+PORT\\(S\\)\\s+AGE$",
                                "^web\\s+ClusterIP\\s+10\\.\\d+\\.\\d+\\.\\d+\\s+<none>\\s+80/TCP\\s+"),
                Step.of(
                                "reference/using-api/api-concepts#field-validation (kubectl's default is Strict)",
                                "apply -f " + m + "unknown-field.yaml")
                        .fails(1)
                        .prints("strict decoding error: unknown field \"datta\"")
                        .since("server-side field validation is 1.25: kubectl 1.32 validates on the "
                                + "client against 1.23"),
                Step.of(
                                "reference/using-api/api-concepts#field-validation (Warn: the field is "
                                        + "dropped with a warning)",
                                "apply --validate=warn -f " + m + "unknown-field.yaml")
                        .prints("Warning: unknown field \"datta\"", "^configmap/typo created$")
                        .since("server-side field validation is 1.25: 1.23 drops the field without a warning"),
                Step.of(
                                "reference/using-api/api-concepts#field-validation (dropped fields are not stored)",
                                "get configmap typo -n shop -o jsonpath={.datta}{.data.a}")
                        .prints("^1$"),
                Step.of(
                                "reference/kubectl/generated/kubectl_delete (--dry-run=server)",
                                "delete configmap settings -n shop --dry-run=server")
                        .prints("^configmap \"settings\" deleted \\(server dry run\\)$"),
                Step.of(
                                "reference/using-api/api-concepts#dry-run (nothing is persisted)",
                                "get configmap settings -n shop -o name")
                        .prints("^configmap/settings$"),
                Step.of(
                                "reference/using-api/api-concepts#dry-run",
                                "create deployment probe -n shop --image=busybox --dry-run=server -o name")
                        .prints("^deployment.apps/probe$"),
                Step.of("reference/using-api/api-concepts#dry-run", "get deployment probe -n shop")
                        .fails(1)
                        .prints("Error from server \\(NotFound\\): deployments.apps \"probe\" not found"),
                Step.of("reference/kubectl/generated/kubectl_get (category all)", "get all -n shop")
                        .prints("^pod/web-", "^service/web\\s", "^deployment.apps/web\\s", "^replicaset.apps/web-"),
                Step.of("reference/kubectl/generated/kubectl_explain", "explain deployment.spec.replicas")
                        .prints(
                                "^GROUP:\\s+apps$",
                                "^KIND:\\s+Deployment$",
                                "^VERSION:\\s+v1$",
                                "^FIELD: replicas <integer>$")
                        .since("kubectl explain prints GROUP from OpenAPI v3, which 1.23 does not serve"),
                Step.of("reference/kubectl/generated/kubectl_api-resources", "api-resources --api-group=apps")
                        .prints("^deployments\\s+deploy\\s+apps/v1\\s+true\\s+Deployment$"),
                Step.of(
                                "reference/kubectl/generated/kubectl_wait",
                                "wait --for=condition=Available deployment/web -n shop --timeout=20s")
                        .prints("^deployment.apps/web condition met$"),
                Step.of("reference/kubectl/generated/kubectl_describe", "describe deployment web -n shop")
                        .prints(
                                "^Replicas:\\s+2 desired \\| 2 updated \\| 2 total \\| 2 available \\| 0 unavailable$",
                                "^NewReplicaSet:\\s+web-\\S+ \\(2/2 replicas created\\)$"),
                Step.of(
                                "concepts/workloads/pods/pod-lifecycle (a crash-looping container)",
                                "create deployment crash -n shop --image=example/crashloop:1")
                        .prints("^deployment.apps/crash created$"),
                Step.of("tasks/debug/debug-application/debug-pods (CrashLoopBackOff)", "get pods -n shop -l app=crash")
                        .prints("^crash-\\S+\\s+0/1\\s+CrashLoopBackOff\\s+[1-9]"),
                Step.of("concepts/extend-kubernetes/api-extension/custom-resources", "apply -f " + m + "crd.yaml")
                        .prints("^customresourcedefinition.apiextensions.k8s.io/widgets.example.com created$"),
                Step.of(
                                "tasks/extend-kubernetes/custom-resources/custom-resource-definitions",
                                "apply -f " + m + "widget.yaml")
                        .prints("^widget.example.com/small created$"),
                Step.of(
                                "tasks/extend-kubernetes/custom-resources/custom-resource-definition"
                                        + "s#additional-printer-columns",
                                "get widgets -n shop")
                        .prints("^NAME\\s+SIZE\\s+AGE$", "^small\\s+3\\s+"),
                Step.of(
                                "tasks/manage-kubernetes-objects/declarative-config (a changed file applied again)",
                                "apply -f " + m + "web-v2.yaml")
                        .prints("^deployment.apps/web configured$"),
                Step.of(
                                "tasks/manage-kubernetes-objects/declarative-config#merging-changes-"
                                        + "to-primitive-fields (three-way: "
                                        + "the file's fields are set, fields other writers set that the "
                                        + "file leaves out are kept)",
                                "get deployment web -n shop -o "
                                        + "jsonpath={.spec.template.spec.containers[0].image}/{.spec"
                                        + ".replicas}/{.spec.template.spec.containers[0].env[0].value}")
                        .prints("^nginx:1.26/3/git$"),
                Step.of(
                                "concepts/architecture/garbage-collection (deleting the owner deletes its dependents)",
                                "delete deployment web -n shop")
                        .prints("^deployment.apps \"web\" deleted$"),
                Step.of("concepts/architecture/garbage-collection", "get replicasets,pods -n shop -l app=web")
                        .prints("No resources found in shop namespace."),
                Step.of("reference/kubectl/generated/kubectl_get", "get deployment web -n shop")
                        .fails(1)
                        .prints("Error from server \\(NotFound\\): deployments.apps \"web\" not found"),
                Step.of("reference/kubectl/generated/kubectl_delete", "delete namespace shop")
                        .prints("^namespace \"shop\" deleted$"));
    }

    @TestFactory
    Stream<DynamicTest> aSessionAsOnARealServer() {
        assumeTrue(kubectlPresent(), "kubectl is not on PATH");
        return session().stream().flatMap(step -> {
            String command = "kubectl " + String.join(" ", step.args());
            Result[] answers = new Result[2];
            List<DynamicTest> tests = new ArrayList<>();
            tests.add(DynamicTest.dynamicTest("sandbox: " + command, () -> answers[0] = check(step, kubeconfig)));
            if (real != null) {
                tests.add(DynamicTest.dynamicTest("real: " + command, () -> {
                    if (step.newer() != null) {
                        answers[1] = kubectl(realKubeconfig, step.args()); // the session goes on as a person's would
                        assumeTrue(false, step.newer());
                    }
                    answers[1] = check(step, realKubeconfig);
                }));
                tests.add(DynamicTest.dynamicTest("same answer: " + command, () -> {
                    assumeTrue(answers[0] != null && answers[1] != null, "a server's step failed already");
                    assumeTrue(step.newer() == null, step.newer());
                    Differences.assertSame(step, answers[0], answers[1]);
                }));
            }
            return tests.stream();
        });
    }

    private static Result check(Step step, Path config) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            Result r = kubectl(config, step.args());
            try {
                expect(step, r);
                return r;
            } catch (AssertionError e) {
                if (!step.read() || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(250); // the controllers have not caught up yet: ask again, as a person would
            }
        }
    }

    private static void expect(Step step, Result r) {
        String both = r.out() + r.err();
        assertThat(r.exit()).as("exit code (%s)\n%s", step.doc(), both).isEqualTo(step.exit());
        for (Pattern p : step.expected()) {
            assertThat(p.matcher(both).find())
                    .as("%s: expected /%s/ in\n%s", step.doc(), p, both)
                    .isTrue();
        }
        for (Pattern p : step.absent()) {
            assertThat(p.matcher(both).find())
                    .as("%s: /%s/ must not appear in\n%s", step.doc(), p, both)
                    .isFalse();
        }
    }

    record Result(int exit, String out, String err) {}

    static Result kubectl(Path config, List<String> args) throws Exception {
        List<String> cmd = Kubectl.command(config);
        cmd.addAll(args);
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        ProcessBuilder builder =
                new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().put("KUBE_EDITOR", manifests.resolve("editor.sh").toString());
        Process p = builder.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS))
                .as("kubectl %s finished", args)
                .isTrue();
        return new Result(
                p.exitValue(),
                Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    static boolean kubectlPresent() {
        try {
            return new ProcessBuilder("kubectl", "version", "--client").start().waitFor() == 0;
        } catch (Exception e) {
            return false;
        }
    }
}
