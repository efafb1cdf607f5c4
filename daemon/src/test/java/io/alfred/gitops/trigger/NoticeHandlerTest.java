package io.alfred.gitops.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import io.alfred.gitops.preview.PullRequest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A notice naming a pull request's head is previewed, never deployed; a push to the ref deploys. */
class NoticeHandlerTest {
    static final String URL = "https://github.com/acme/infra.git";
    static final String SHA = "0123456789abcdef0123456789abcdef01234567";

    final List<Trigger> deploys = new ArrayList<>();
    final List<PullRequest> previews = new ArrayList<>();
    final NoticeHandler handler = new NoticeHandler(
            new RepoMatcher(URL, "main"),
            deploys::add,
            previews::add,
            new TriggerMetrics(new SimpleMeterRegistry()),
            new DeliveryLog());

    @Test
    void aPubSubNoticeNamingAPullRequestsHeadQueuesAPreview() {
        var result = handler.handle(
                "pubsub",
                Trigger.Kind.PUBSUB,
                "m-1",
                new byte[0],
                Map.of("ref", "refs/pull/7/head", "revision", SHA, "repository", "git@github.com:acme/infra.git"));
        assertThat(result).isEqualTo(NoticeHandler.Result.PREVIEW);
        assertThat(previews).extracting(PullRequest::key).containsExactly("github#7");
        assertThat(previews.get(0).headRevision()).contains(SHA);
        assertThat(deploys).isEmpty();

        assertThat(handler.handle("pubsub", Trigger.Kind.PUBSUB, "m-1", new byte[0], Map.of("ref", "refs/pull/7/head")))
                .as("a redelivery")
                .isEqualTo(NoticeHandler.Result.DUPLICATE);
    }

    @Test
    void anotherRepositorysPullRequestIsIgnoredAndAPushStillDeploys() {
        assertThat(handler.handle(
                        "pubsub",
                        Trigger.Kind.PUBSUB,
                        "m-2",
                        new byte[0],
                        Map.of("ref", "refs/merge-requests/3/head", "repository", "https://github.com/other/infra")))
                .isEqualTo(NoticeHandler.Result.IGNORED);
        byte[] push = ("{\"ref\":\"refs/heads/main\",\"after\":\"" + SHA + "\",\"repository\":{\"clone_url\":\"" + URL
                        + "\"}}")
                .getBytes(StandardCharsets.UTF_8);
        assertThat(handler.handle("github", Trigger.Kind.WEBHOOK, "d-1", push, Map.of()))
                .isEqualTo(NoticeHandler.Result.ACCEPTED);
        assertThat(deploys).extracting(Trigger::revision).containsExactly(SHA);
        assertThat(previews).isEmpty();
    }
}
