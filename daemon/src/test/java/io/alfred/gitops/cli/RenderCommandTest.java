package io.alfred.gitops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.alfred.gitops.testing.Signing;
import io.alfred.gitops.testing.TestRepo;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Date;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** {@code alfred-gitops render} end to end: the real command line on a real git repository. */
@QuarkusMainTest
class RenderCommandTest {
    @Test
    void rendersTheExampleFromALocalRepositoryOrItsUrlAlike(QuarkusMainLauncher launcher) throws Exception {
        Path tmp = Files.createTempDirectory("render-cmd");
        try (TestRepo repo = TestRepo.withExample(tmp.resolve("infra"))) {
            LaunchResult fromDir =
                    launcher.launch("render", "--repo", repo.dir().toString(), "--cluster", "local", "--env", "dev");
            assertThat(fromDir.exitCode()).as(fromDir.getErrorOutput()).isZero();
            String yaml = fromDir.getOutput();
            assertThat(yaml).startsWith("---\napiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition");
            assertThat(yaml).contains("environment: development").contains("cluster-name: local");
            assertThat(yaml)
                    .as("Secret values hidden by default")
                    .contains("db-password: \"<hidden: 36 characters>\"")
                    .doesNotContain("eW91ci1zdXBlci1zZWNyZXQtcGFzc3dvcmQ=");
            assertThat(fromDir.getErrorOutput())
                    .as("the summary only with -v")
                    .doesNotContain("objects from")
                    .doesNotContain("Listening on: http");

            LaunchResult fromUrl =
                    launcher.launch("render", "--repo", repo.url(), "--cluster", "local", "--env", "dev");
            assertThat(fromUrl.exitCode()).isZero();
            assertThat(documents(fromUrl.getOutput())).isEqualTo(yaml);
        }
    }

    /**
     * {@code bin/alfred-gitops render} runs before and instead of the application's start
     * ({@link EarlyAnswer}): the same command line prints the same documents and the same notes as
     * the application's {@code render}, and a configuration error is one line.
     */
    @Test
    void rendersTheSameWithoutTheApplication(QuarkusMainLauncher launcher) throws Exception {
        Path tmp = Files.createTempDirectory("render-standalone");
        try (TestRepo repo = TestRepo.withExample(tmp.resolve("infra"))) {
            repo.write("infra/k8s/overlays/dev/uncommitted.txt", "not in the commit\n");
            String[] args = {"render", "--repo", repo.dir().toString(), "--cluster", "local", "--env", "dev"};
            LaunchResult application = launcher.launch(args);
            assertThat(application.exitCode()).as(application.getErrorOutput()).isZero();

            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            OptionalInt standalone = EarlyAnswer.answer(args, new PrintWriter(out), new PrintWriter(err));
            assertThat(standalone).as(err.toString()).hasValue(ExitCodes.OK);
            assertThat(out.toString()).isEqualTo(application.getOutput() + "\n").contains("cluster-name: local");
            assertThat(err.toString())
                    .contains("note: this is commit ")
                    .contains("uncommitted change(s) under infra/k8s/overlays/dev")
                    .isEqualTo(application.getErrorOutput() + "\n");

            out.getBuffer().setLength(0);
            err.getBuffer().setLength(0);
            assertThat(EarlyAnswer.answer(
                            new String[] {"render", "--repo", repo.dir().toString(), "--env", "dev"},
                            new PrintWriter(out),
                            new PrintWriter(err)))
                    .hasValue(ExitCodes.ERROR);
            assertThat(out.toString()).isEmpty();
            assertThat(err.toString())
                    .startsWith("alfred-gitops: config: invalid configuration: gitops.cluster.name is not set")
                    .hasLineCount(1);
        }
    }

    @Test
    void rendersAnUnverifiedRevisionButSaysSo(QuarkusMainLauncher launcher) throws Exception {
        Path tmp = Files.createTempDirectory("render-verify");
        Signing.OpenPgpKey alice = Signing.openPgpKey("Alice <alice@example.com>", new Date(), 0);
        try (Signing.Setting signedHeads = Signing.requireSignedHeads(alice, tmp);
                TestRepo repo = TestRepo.withExample(tmp.resolve("infra"))) {
            LaunchResult unsigned =
                    launcher.launch("render", "--repo", repo.url(), "--cluster", "local", "--env", "dev");
            assertThat(unsigned.exitCode()).as(unsigned.getErrorOutput()).isZero();
            assertThat(unsigned.getErrorOutput())
                    .contains("is UNVERIFIED (commit ")
                    .contains("it is not signed")
                    .contains("the daemon will not apply it (gitops.source.verify.mode=head)");

            Signing.commitOpenPgp(repo.repository(), "signed", alice, false);
            LaunchResult signed = launcher.launch("render", "--repo", repo.url(), "--cluster", "local", "--env", "dev");
            assertThat(signed.getErrorOutput())
                    .contains("is verified: openpgp ")
                    .contains("(Alice <alice@example.com>)");
        }
    }

    @Test
    void showSecretsPrintsThem(QuarkusMainLauncher launcher) throws Exception {
        Path tmp = Files.createTempDirectory("render-secrets");
        try (TestRepo repo = TestRepo.create(tmp.resolve("infra"))) {
            repo.write(
                            "app/secret.yaml",
                            "apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: default}\n"
                                    + "data: {token: c2hvd24=}\nstringData: {plain: visible}\n")
                    .commit("a secret");
            LaunchResult hidden = launcher.launch(
                    "render", "--repo", repo.dir().toString(), "--path", "app", "--cluster", "c", "--env", "dev");
            assertThat(hidden.getOutput())
                    .contains("token: \"<hidden: 8 characters>\"")
                    .contains("plain: \"<hidden: 7 characters>\"")
                    .doesNotContain("c2hvd24=")
                    .doesNotContain("visible");
            LaunchResult shown = launcher.launch(
                    "render",
                    "--repo",
                    repo.dir().toString(),
                    "--path",
                    "app",
                    "--cluster",
                    "c",
                    "--env",
                    "dev",
                    "--show-secrets");
            assertThat(shown.getOutput()).contains("token: c2hvd24=").contains("plain: visible");
        }
    }

    /**
     * {@code --local} renders the directory as it is, uncommitted edits included; {@code --repo DIR}
     * renders the last commit and says which uncommitted changes it leaves out.
     */
    @Test
    void localRendersTheWorkingTreeAndRepoSaysWhatItLeavesOut(QuarkusMainLauncher launcher) throws Exception {
        Path tmp = Files.createTempDirectory("render-local");
        try (TestRepo repo = TestRepo.create(tmp.resolve("infra"))) {
            repo.write(
                    "base/cm.yaml",
                    "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app, namespace: default}\n"
                            + "data: {level: committed}\n");
            repo.write("base/kustomization.yaml", "resources:\n- cm.yaml\n");
            repo.write("overlays/dev/kustomization.yaml", "resources:\n- ../../base\nnamePrefix: dev-\n");
            repo.commit("base and dev");
            repo.write(
                    "base/cm.yaml",
                    "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app, namespace: default}\n"
                            + "data: {level: edited}\n"); // not committed

            LaunchResult local = launcher.launch(
                    "render",
                    "--local",
                    repo.dir().resolve("overlays/dev").toString(),
                    "--cluster",
                    "c",
                    "--env",
                    "dev");
            assertThat(local.exitCode()).as(local.getErrorOutput()).isZero();
            assertThat(local.getOutput()).contains("name: dev-app").contains("level: edited");

            LaunchResult committed = launcher.launch(
                    "render",
                    "--repo",
                    repo.dir().toString(),
                    "--path",
                    "overlays/dev",
                    "--cluster",
                    "c",
                    "--env",
                    "dev");
            assertThat(committed.exitCode()).isZero();
            assertThat(committed.getOutput()).contains("level: committed");
            // the base is outside the path: only changes under the rendered path are named
            assertThat(committed.getErrorOutput()).doesNotContain("uncommitted");
            repo.write("overlays/dev/extra.yaml", "a: 1\n");
            LaunchResult noted = launcher.launch(
                    "render",
                    "--repo",
                    repo.dir().toString(),
                    "--path",
                    "overlays/dev",
                    "--cluster",
                    "c",
                    "--env",
                    "dev");
            assertThat(noted.getErrorOutput())
                    .contains("note: this is commit ")
                    .contains("1 uncommitted change(s) under overlays/dev are not included "
                            + "(overlays/dev/extra.yaml); to see them,"
                            + " use --local " + repo.dir().resolve("overlays/dev"));

            LaunchResult reconcile = launcher.launch(
                    "reconcile",
                    "--once",
                    "--sandbox",
                    "--local",
                    repo.dir().toString(),
                    "--cluster",
                    "c",
                    "--env",
                    "dev");
            assertThat(reconcile.exitCode()).isEqualTo(2);
            assertThat(reconcile.getErrorOutput()).contains("--local: previews with render and diff only");

            LaunchResult missing = launcher.launch(
                    "render", "--local", tmp.resolve("nowhere").toString(), "--cluster", "c", "--env", "dev");
            assertThat(missing.exitCode()).isEqualTo(2);
            assertThat(missing.getErrorOutput()).contains("nowhere: no such directory (--local)");
        }
    }

    /** The test launcher captures log lines into the same stream; a second launch in one JVM logs a metrics warning. */
    private static String documents(String output) {
        return output.substring(output.indexOf("---\n"));
    }

    @Test
    void errorsExitWithTwoAndNameTheStage(QuarkusMainLauncher launcher) throws Exception {
        Path tmp = Files.createTempDirectory("render-cmd");
        try (TestRepo repo = TestRepo.withExample(tmp.resolve("infra"))) {
            LaunchResult noCluster =
                    launcher.launch("render", "--repo", repo.dir().toString(), "--env", "dev");
            assertThat(noCluster.exitCode()).isEqualTo(2);
            assertThat(noCluster.getErrorOutput())
                    .contains("config: invalid configuration")
                    .contains("gitops.cluster.name is not set");

            LaunchResult badPath =
                    launcher.launch("render", "--repo", repo.dir().toString(), "--cluster", "c", "--env", "qa");
            assertThat(badPath.exitCode()).isEqualTo(2);
            assertThat(badPath.getErrorOutput()).contains("render: infra/k8s/overlays/qa: no such directory");

            repo.write("infra/k8s/overlays/dev/dev-config.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: [\n");
            repo.commit("break dev");
            LaunchResult broken =
                    launcher.launch("render", "--repo", repo.dir().toString(), "--cluster", "c", "--env", "dev");
            assertThat(broken.exitCode()).isEqualTo(2);
            assertThat(broken.getErrorOutput())
                    .contains("render: infra/k8s/overlays/dev/dev-config.yaml:4: invalid YAML");

            LaunchResult badRef = launcher.launch(
                    "render", "--repo", repo.dir().toString(), "--cluster", "c", "--env", "dev", "--ref", "nope");
            assertThat(badRef.exitCode()).isEqualTo(2);
            assertThat(badRef.getErrorOutput()).contains("fetch: ").contains("ref 'nope' does not exist");
        }
    }
}
