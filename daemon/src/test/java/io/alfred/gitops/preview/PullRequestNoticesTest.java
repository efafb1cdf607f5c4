package io.alfred.gitops.preview;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** GitHub's and GitLab's pull request notifications, as their documentation shows them. */
class PullRequestNoticesTest {
    static final String HEAD = "0123456789abcdef0123456789abcdef01234567";

    static byte[] github(String action, String headRepo) {
        return ("{\"action\":\"" + action + "\",\"number\":7,\"pull_request\":{\"number\":7,"
                        + "\"head\":{\"sha\":\"" + HEAD + "\",\"ref\":\"feature\",\"repo\":{\"full_name\":\"" + headRepo
                        + "\"}},\"base\":{\"ref\":\"main\",\"repo\":{\"full_name\":\"acme/infra\","
                        + "\"clone_url\":\"https://github.com/acme/infra.git\",\"ssh_url\":\"git@github.com:acme/infra.git\"}}},"
                        + "\"sender\":{\"login\":\"octocat\"}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    static byte[] gitlab(String action, int source, int target) {
        return ("{\"object_kind\":\"merge_request\",\"user\":{\"username\":\"root\"},\"project\":{\"id\":" + target
                        + ",\"git_http_url\":\"https://gitlab.example.com/acme/infra.git\"},"
                        + "\"object_attributes\":{\"iid\":12,\"action\":\"" + action + "\",\"target_branch\":\"main\","
                        + "\"source_project_id\":" + source + ",\"target_project_id\":" + target + ","
                        + "\"last_commit\":{\"id\":\"" + HEAD + "\"}}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void githubOpenedSynchronizeAndReopenedStartAPreview() {
        for (String action : List.of("opened", "synchronize", "reopened")) {
            var notice = PullRequestNotices.github(github(action, "acme/infra")).orElseThrow();
            assertThat(notice.pullRequest())
                    .isEqualTo(new PullRequest(
                            PullRequest.Host.GITHUB, 7, Optional.of(HEAD), false, Optional.of("octocat")));
            assertThat(notice.pullRequest().headRef()).isEqualTo("refs/pull/7/head");
            assertThat(notice.baseRef()).isEqualTo("refs/heads/main");
            assertThat(notice.repositories()).contains("https://github.com/acme/infra.git");
        }
        assertThat(PullRequestNotices.github(github("closed", "acme/infra"))).isEmpty();
        assertThat(PullRequestNotices.github(github("labeled", "acme/infra"))).isEmpty();
    }

    @Test
    void aHeadFromAnotherRepositoryIsAFork() {
        assertThat(PullRequestNotices.github(github("opened", "mallory/infra"))
                        .orElseThrow()
                        .pullRequest()
                        .fork())
                .isTrue();
        assertThat(PullRequestNotices.gitlab(gitlab("open", 99, 5))
                        .orElseThrow()
                        .pullRequest()
                        .fork())
                .isTrue();
        assertThat(PullRequestNotices.gitlab(gitlab("open", 5, 5))
                        .orElseThrow()
                        .pullRequest()
                        .fork())
                .isFalse();
    }

    @Test
    void gitlabOpenUpdateAndReopenStartAPreview() {
        for (String action : List.of("open", "update", "reopen")) {
            var notice = PullRequestNotices.gitlab(gitlab(action, 5, 5)).orElseThrow();
            assertThat(notice.pullRequest().headRef()).isEqualTo("refs/merge-requests/12/head");
            assertThat(notice.pullRequest().headRevision()).contains(HEAD);
            assertThat(notice.baseRef()).isEqualTo("refs/heads/main");
        }
        assertThat(PullRequestNotices.gitlab(gitlab("merge", 5, 5))).isEmpty();
        assertThat(PullRequestNotices.gitlab(gitlab("close", 5, 5))).isEmpty();
    }

    @Test
    void malformedNoticesAreRefusedWithAReason() {
        assertThatThrownBy(() -> PullRequestNotices.github("[]".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("JSON object");
        assertThatThrownBy(() -> PullRequestNotices.github("{\"action\":\"opened\"}".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("pull_request.number");
        assertThatThrownBy(() -> PullRequestNotices.gitlab("{".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("not JSON");
    }

    @Test
    void aHeadRefNamesAPullRequest() {
        assertThat(PullRequest.ofHeadRef("refs/pull/42/head", HEAD, false, null)
                        .orElseThrow()
                        .key())
                .isEqualTo("github#42");
        assertThat(PullRequest.ofHeadRef("refs/merge-requests/3/head", null, false, null)
                        .orElseThrow()
                        .key())
                .isEqualTo("gitlab#3");
        assertThat(PullRequest.ofHeadRef("refs/heads/main", HEAD, false, null)).isEmpty();
        assertThat(PullRequest.ofHeadRef("refs/pull/42/merge", HEAD, false, null))
                .isEmpty();
        assertThat(PullRequest.ofHeadRef(null, HEAD, false, null)).isEmpty();
    }
}
