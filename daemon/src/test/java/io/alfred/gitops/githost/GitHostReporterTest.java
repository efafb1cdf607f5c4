package io.alfred.gitops.githost;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.alfred.gitops.events.DeployEvent;
import io.alfred.gitops.events.EventType;
import io.alfred.gitops.preview.GateVerdict;
import io.alfred.gitops.preview.Preview;
import io.alfred.gitops.preview.PullRequest;
import io.alfred.gitops.preview.Verdict;
import io.alfred.gitops.safety.Gate;
import io.alfred.gitops.testing.FakeGitHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Commit statuses and the one comment per pull request and cluster, against a local server that
 * answers as GitHub and GitLab document: pagination, a 500, a rate limit with its reset, a bad token.
 */
class GitHostReporterTest {
    static final String SHA = "0123456789abcdef0123456789abcdef01234567";
    static final String MERGED = "89abcdef0123456789abcdef0123456789abcdef";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    GitHostReporter reporter(FakeGitHost host, Provider provider, String token) throws Exception {
        Path file = Files.writeString(tmp.resolve("token"), token + "\n");
        GitHostSettings settings = GitHostSettings.resolve(
                        Optional.of(provider.label()),
                        Optional.of(host.apiUrl()),
                        Optional.of(file.toString()),
                        Optional.empty(),
                        Optional.of("https://gitops.example.com/"),
                        provider == Provider.GITHUB
                                ? "https://github.com/acme/infra.git"
                                : "git@gitlab.example.com:acme/platform/infra.git")
                .orElseThrow();
        return new GitHostReporter(
                GitHostReporter.api(settings), "prod-eu", settings.targetUrl(), Duration.ofMillis(50));
    }

    static Preview preview(Verdict verdict, String sha, boolean fork) {
        return new Preview(
                new PullRequest(PullRequest.Host.GITHUB, 7, Optional.of(sha), fork, Optional.of("octocat")),
                Optional.of(sha),
                "prod-eu",
                "prod",
                Instant.now(),
                Duration.ofMillis(1234),
                verdict,
                List.of(
                        GateVerdict.passes(Gate.VERIFY, "no signature required"),
                        verdict == Verdict.WOULD_APPLY
                                ? GateVerdict.passes(Gate.PDB, "the budgets afford the change")
                                : GateVerdict.refuses(
                                        Gate.PDB, "pdb: Deployment/app/api: 0 disruptions allowed | now")),
                "1 configured, 1 deleted",
                List.of("ConfigMap/app/settings configured", "ConfigMap/app/old deleted"),
                "--- ConfigMap/app/settings\n+++ ConfigMap/app/settings\n-  level: debug\n+  level: trace\n",
                List.of("ConfigMap/app/old"),
                List.of(),
                Optional.empty());
    }

    static DeployEvent event(EventType type, String sha, String dataJson) throws Exception {
        return new DeployEvent(
                UUID.randomUUID().toString(),
                type,
                OffsetDateTime.now(ZoneOffset.UTC),
                "prod-eu",
                "prod",
                sha,
                (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(dataJson));
    }

    @ParameterizedTest
    @EnumSource(Provider.class)
    void aDeploySetsPendingThenItsOutcomeOnTheDeployedCommit(Provider provider) throws Exception {
        try (FakeGitHost host = new FakeGitHost(provider);
                GitHostReporter reporter = reporter(host, provider, FakeGitHost.TOKEN)) {
            List<DeployEvent> passedOn = new ArrayList<>();
            var sink = reporter.statuses(passedOn::add);
            sink.emit(event(EventType.STARTED, MERGED, "{}"));
            assertThat(reporter.drain(Duration.ofSeconds(10))).isTrue();
            sink.emit(event(EventType.SUCCEEDED, MERGED, "{\"summary\":\"2 configured\"}"));
            assertThat(reporter.drain(Duration.ofSeconds(10))).isTrue();
            sink.emit(event(EventType.BLOCKED, SHA, "{\"gate\":\"pdb\",\"reason\":\"pdb: 0 disruptions allowed\"}"));
            sink.emit(event(EventType.PLANNED, SHA, "{}"));
            assertThat(reporter.drain(Duration.ofSeconds(10))).isTrue();

            assertThat(passedOn).hasSize(4);
            String failed = provider == Provider.GITHUB ? "error" : "failed";
            assertThat(host.statuses)
                    .extracting(s -> s.sha().substring(0, 4) + " " + s.state() + " " + s.context())
                    .containsExactly(
                            "89ab pending alfred-gitops/prod-eu",
                            "89ab success alfred-gitops/prod-eu",
                            "0123 " + failed + " alfred-gitops/prod-eu");
            assertThat(host.statuses.get(1).description()).isEqualTo("deployed to prod-eu: 2 configured");
            assertThat(host.statuses.get(2).description()).contains("blocked on prod-eu: pdb: 0 disruptions allowed");
            assertThat(host.statuses.get(0).repository())
                    .isEqualTo(provider == Provider.GITHUB ? "acme/infra" : "acme/platform/infra");
        }
    }

    @ParameterizedTest
    @EnumSource(Provider.class)
    void theCommentIsEditedNotDuplicatedEvenPastTheFirstPage(Provider provider) throws Exception {
        try (FakeGitHost host = new FakeGitHost(provider);
                GitHostReporter reporter = reporter(host, provider, FakeGitHost.TOKEN)) {
            host.othersComment(7, 120);
            reporter.ready(preview(Verdict.WOULD_APPLY, SHA, false));
            assertThat(reporter.drain(Duration.ofSeconds(10))).isTrue();
            host.othersComment(7, 30);
            reporter.ready(preview(Verdict.WOULD_BE_BLOCKED, MERGED, false));
            assertThat(reporter.drain(Duration.ofSeconds(10))).isTrue();

            List<FakeGitHost.Comment> ours = host.commentsOn(7).stream()
                    .filter(c -> c.body().contains(PreviewComment.marker("prod-eu")))
                    .toList();
            assertThat(ours).as("one comment per pull request and cluster").hasSize(1);
            assertThat(ours.get(0).body()).contains("**would be blocked**").contains("⛔ refuses");
            assertThat(host.requests)
                    .as("the second preview found the comment on page 2 and edited it")
                    .anyMatch(r -> r.contains("page=2"))
                    .anyMatch(r -> r.startsWith(provider == Provider.GITHUB ? "PATCH " : "PUT "));
            assertThat(host.statuses)
                    .extracting(s -> s.state())
                    .containsExactly("success", provider == Provider.GITHUB ? "failure" : "failed");
        }
    }

    @Test
    void aServerErrorIsRetriedWithBackoff() throws Exception {
        try (FakeGitHost host = new FakeGitHost(Provider.GITHUB);
                GitHostReporter reporter = reporter(host, Provider.GITHUB, FakeGitHost.TOKEN)) {
            host.fail(FakeGitHost.Fault.SERVER_ERROR, FakeGitHost.Fault.SERVER_ERROR);
            reporter.statuses(e -> {}).emit(event(EventType.STARTED, SHA, "{}"));
            assertThat(reporter.drain(Duration.ofSeconds(10))).isTrue();
            assertThat(host.requests).hasSize(3);
            assertThat(host.statuses).extracting(FakeGitHost.Status::state).containsExactly("pending");
        }
    }

    @ParameterizedTest
    @EnumSource(Provider.class)
    void aRateLimitIsWaitedOutUntilItsReset(Provider provider) throws Exception {
        try (FakeGitHost host = new FakeGitHost(provider);
                GitHostReporter reporter = reporter(host, provider, FakeGitHost.TOKEN)) {
            host.fail(FakeGitHost.Fault.RATE_LIMITED);
            long start = System.nanoTime();
            reporter.statuses(e -> {}).emit(event(EventType.SUCCEEDED, SHA, "{}"));
            assertThat(reporter.drain(Duration.ofSeconds(10))).isTrue();
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(host.statuses).extracting(FakeGitHost.Status::state).containsExactly("success");
            // the host said: not before its reset (GitHub: the next whole second or later; GitLab: Retry-After 1)
            assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(900));
        }
    }

    @Test
    void aBadTokenIsNotRetriedAndNeverBlocksTheCaller() throws Exception {
        try (FakeGitHost host = new FakeGitHost(Provider.GITHUB);
                GitHostReporter reporter = reporter(host, Provider.GITHUB, "wrong-token")) {
            List<DeployEvent> passedOn = new ArrayList<>();
            reporter.statuses(passedOn::add).emit(event(EventType.FAILED, SHA, "{\"stage\":\"wait\"}"));
            assertThat(passedOn).as("the event went on at once").hasSize(1);
            assertThat(reporter.drain(Duration.ofSeconds(10))).isTrue();
            assertThat(host.requests).hasSize(1);
            assertThat(host.statuses).isEmpty();
        }
    }

    @Test
    void aForksCommentHoldsOnlyWhatThePreviewShows() throws Exception {
        String markdown = PreviewComment.markdown(preview(Verdict.WOULD_BE_BLOCKED, SHA, true));
        assertThat(markdown)
                .startsWith(PreviewComment.marker("prod-eu"))
                .contains("`prod-eu` (prod): **would be blocked**")
                .contains("| pdb | ⛔ refuses | pdb: Deployment/app/api: 0 disruptions allowed \\| now |")
                .contains("- `ConfigMap/app/old`")
                .contains("```diff")
                .doesNotContain(FakeGitHost.TOKEN);
        for (String value : System.getenv().values()) {
            if (value.length() >= 8) {
                assertThat(markdown).doesNotContain(value);
            }
        }
    }

    @Test
    void settingsSayWhatIsWrongInOneLine() {
        var wrong = org.assertj.core.api.Assertions.catchThrowable(() -> GitHostSettings.resolve(
                Optional.of("bitbucket"), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), "x"));
        assertThat(wrong.getMessage()).contains("gitops.githost.provider").contains("use github or gitlab");
        var noToken = org.assertj.core.api.Assertions.catchThrowable(() -> GitHostSettings.resolve(
                Optional.of("github"), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), "x"));
        assertThat(noToken.getMessage()).contains("gitops.githost.token-file");
        assertThat(GitHostSettings.resolve(
                        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), "x"))
                .isEmpty();
        assertThat(GitHostSettings.repositoryOf("https://github.com/acme/infra.git"))
                .isEqualTo("acme/infra");
        assertThat(GitHostSettings.repositoryOf("git@gitlab.com:acme/sub/infra.git"))
                .isEqualTo("acme/sub/infra");
    }
}
