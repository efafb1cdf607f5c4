package io.alfred.gitops.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.alfred.gitops.testing.TestRepo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/alfred-gitops} as a person runs it, on the packaged application: the first command that
 * starts the application records a class data sharing archive, later ones map it, and nothing of
 * it ever reaches the command's output.
 */
class LauncherIT {
    static final String DEV = "infra/k8s/overlays/dev";

    @TempDir
    Path tmp;

    TestRepo repo;
    Path archives;

    record Run(int exit, String out, String err) {}

    @BeforeEach
    void repo() {
        repo = TestRepo.withExample(tmp.resolve("infra"));
        archives = tmp.resolve("cds");
    }

    @AfterEach
    void closeRepo() {
        repo.close();
    }

    private Run run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("bin/alfred-gitops"));
        cmd.addAll(List.of(args));
        Path out = tmp.resolve("out-" + System.nanoTime());
        Path err = tmp.resolve("err-" + System.nanoTime());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().remove("JAVA_OPTS");
        pb.environment().put("ALFRED_GITOPS_CDS_DIR", archives.toString());
        pb.environment().put("GITOPS_SOURCE_WORKDIR", tmp.resolve("work").toString());
        pb.environment().putAll(env);
        Process p = pb.start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    private Run render(Map<String, String> env) throws Exception {
        Run r = run(env, "render", "--repo", repo.dir().toString(), "--path", DEV, "--cluster", "it", "--env", "dev");
        assertThat(r.exit()).as(r.err()).isZero();
        return r;
    }

    private List<Path> archives() throws IOException {
        if (!Files.isDirectory(archives)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(archives)) {
            return files.toList();
        }
    }

    @Test
    void theFirstCommandRecordsAnArchiveThatLaterCommandsMap() throws Exception {
        Run help = run(Map.of(), "--help");
        assertThat(help.exit()).isZero();
        assertThat(archives())
                .as("help starts no application: nothing worth recording")
                .isEmpty();

        Run first = render(Map.of());
        assertThat(archives())
                .singleElement()
                .satisfies(archive -> assertThat(archive.getFileName().toString())
                        .matches("cds-standalone-\\d+-\\d+-\\d+-\\d+\\.jsa"));

        Path classes = tmp.resolve("classes.log");
        Map<String, String> logged = new HashMap<>();
        logged.put("JAVA_OPTS", "@daemon/src/main/docker/jvm.options -Xlog:class+load=info:file=" + classes);
        Run second = render(logged);
        assertThat(second.out()).isEqualTo(first.out()).contains("kind: Deployment");
        long shared;
        try (Stream<String> lines = Files.lines(classes)) {
            shared = lines.filter(line -> line.contains("source: shared objects file (top)"))
                    .count();
        }
        // render maps about 1,850 classes from it (without the archive, none): JDK, picocli, JGit,
        // Jackson and ours; the JDK's own archive is not the "top" layer
        assertThat(shared).as("classes mapped from the recorded archive").isGreaterThan(1_000);
        assertThat(archives()).as("recorded once").hasSize(1);
    }

    @Test
    void anArchiveTheJvmCannotUseIsSkippedWithoutAWord() throws Exception {
        Run clean = render(Map.of("ALFRED_GITOPS_CDS", "off"));
        assertThat(archives()).as("ALFRED_GITOPS_CDS=off records nothing").isEmpty();

        render(Map.of());
        Path archive = archives().get(0);
        Files.writeString(archive, "not an archive");
        Run damaged = render(Map.of());
        assertThat(damaged.out()).isEqualTo(clean.out());
        assertThat(damaged.err()).doesNotContain("cds", "shared archive", "warning]");
    }

    @Test
    void sharingChosenInJavaOptsIsLeftAlone() throws Exception {
        render(Map.of("JAVA_OPTS", "@daemon/src/main/docker/jvm.options -Xshare:off"));
        assertThat(archives()).isEmpty();
    }

    @Test
    void aNewRecordingKeepsTheFourNewestArchives() throws Exception {
        Files.createDirectories(archives);
        for (int i = 1; i <= 4; i++) {
            Path old = Files.writeString(
                    archives.resolve("cds-standalone-" + i + "-1-1-1.jsa"), "an older build's archive");
            Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(Duration.ofDays(10 - i))));
        }
        Path application = Files.writeString(archives.resolve("cds-app-0-1-1-1.jsa"), "the application's archive");
        Files.setLastModifiedTime(application, FileTime.from(Instant.now().minus(Duration.ofDays(20))));
        render(Map.of());
        assertThat(archives())
                .as("four of render's, and the application's own: each kind keeps its four newest")
                .hasSize(5)
                .extracting(path -> path.getFileName().toString())
                .doesNotContain("cds-standalone-1-1-1-1.jsa")
                .contains("cds-standalone-2-1-1-1.jsa", "cds-standalone-3-1-1-1.jsa", "cds-standalone-4-1-1-1.jsa")
                .contains("cds-app-0-1-1-1.jsa");
    }
}
