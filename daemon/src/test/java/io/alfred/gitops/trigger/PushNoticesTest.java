package io.alfred.gitops.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The understood push notifications, and which of them concern the configured repository and ref. */
class PushNoticesTest {
    static final String SHA = "4f1c2e3d4b5a69788796a5b4c3d2e1f0a9b8c7d6";
    final RepoMatcher matcher = new RepoMatcher("https://github.com/Acme/infra.git", "main");

    private static List<PushNotice> parse(String json) {
        return PushNotices.parse(json.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    @Test
    void githubPush() {
        PushNotice n = parse("""
                {"ref":"refs/heads/main","after":"%s","deleted":false,
                 "repository":{"clone_url":"https://github.com/acme/infra.git",
                   "ssh_url":"git@github.com:acme/infra.git"},
                 "pusher":{"name":"octocat"}}""".formatted(SHA)).get(0);
        assertThat(n.format()).isEqualTo("github");
        assertThat(n.revision()).isEqualTo(SHA);
        assertThat(n.actor()).isEqualTo("octocat");
        assertThat(matcher.matches(n)).isTrue();
    }

    @Test
    void gitlabPush() {
        PushNotice n = parse("""
                {"object_kind":"push","ref":"refs/heads/main","after":"%s","checkout_sha":"%s","user_username":"jane",
                 "project":{"git_http_url":"https://gitlab.example.com/acme/infra.git",
                   "git_ssh_url":"git@gitlab.example.com:acme/infra.git"}}
                """.formatted(SHA, SHA)).get(0);
        assertThat(n.format()).isEqualTo("gitlab");
        assertThat(new RepoMatcher("ssh://git@gitlab.example.com:22/acme/infra", "main").matches(n))
                .isTrue();
        assertThat(matcher.matches(n)).as("another host").isFalse();
    }

    @Test
    void cloudSourceRepositoriesNotification() {
        List<PushNotice> ns = parse("""
                {"name":"projects/acme/repos/infra","url":"https://source.developers.google.com/p/acme/r/infra",
                 "refUpdateEvent":{"email":"dev@acme.io","refUpdates":{
                   "refs/heads/feature":{"refName":"refs/heads/feature","updateType":"UPDATE_FAST_FORWARD",
                     "newId":"%s"},
                   "refs/heads/main":{"refName":"refs/heads/main","updateType":"UPDATE_FAST_FORWARD","newId":"%s"}}}}
                """.formatted("1".repeat(40), SHA));
        assertThat(ns).hasSize(2);
        RepoMatcher csr = new RepoMatcher("https://source.developers.google.com/p/acme/r/infra", "main");
        assertThat(ns.stream().filter(csr::matches).map(PushNotice::revision)).containsExactly(SHA);
    }

    @Test
    void genericFormInAttributesOrJson() {
        PushNotice attrs = PushNotices.parse(new byte[0], Map.of("ref", "main", "revision", SHA))
                .get(0);
        assertThat(attrs.ref()).isEqualTo("refs/heads/main");
        assertThat(matcher.matches(attrs)).isTrue();
        PushNotice json = parse("{\"ref\":\"refs/heads/main\",\"revision\":\"" + SHA
                        + "\",\"repository\":\"git@github.com:acme/infra\"}")
                .get(0);
        assertThat(matcher.matches(json)).isTrue();
    }

    @Test
    void anotherRepositoryOrRefIsNotAMatch() {
        assertThat(matcher.matches(parse("{\"ref\":\"refs/heads/feature\",\"after\":\"" + SHA
                                + "\",\"repository\":{\"clone_url\":\"https://github.com/acme/infra.git\"}}")
                        .get(0)))
                .isFalse();
        assertThat(matcher.matches(parse("{\"ref\":\"refs/heads/main\",\"after\":\"" + SHA
                                + "\",\"repository\":{\"clone_url\":\"https://github.com/acme/other.git\"}}")
                        .get(0)))
                .isFalse();
        assertThat(new RepoMatcher("https://github.com/acme/infra", SHA)
                        .matches(parse("{\"ref\":\"main\"}").get(0)))
                .as("a pinned commit never moves")
                .isFalse();
        assertThat(new RepoMatcher("https://github.com/acme/infra", "v1.2.0")
                        .matches(parse("{\"ref\":\"refs/tags/v1.2.0\"}").get(0)))
                .isTrue();
    }

    @Test
    void urlSpellingsOfOneRepositoryNormaliseAlike() {
        String n = RepoMatcher.normalise("https://github.com/acme/infra");
        assertThat(List.of(
                        "https://github.com/acme/infra.git",
                        "git@github.com:acme/infra.git",
                        "ssh://git@github.com/acme/infra.git",
                        "ssh://git@github.com:22/Acme/Infra",
                        "https://user:tok@github.com/acme/infra/"))
                .allMatch(u -> RepoMatcher.normalise(u).equals(n));
        assertThat(RepoMatcher.normalise("https://github.com/acme/infra-2")).isNotEqualTo(n);
    }

    @Test
    void malformedNotificationsAreRejected() {
        assertThatThrownBy(() -> parse("not json")).isInstanceOf(MalformedNoticeException.class);
        assertThatThrownBy(() -> parse("[1,2]")).isInstanceOf(MalformedNoticeException.class);
        assertThatThrownBy(() -> parse("{\"hello\":\"world\"}")).isInstanceOf(MalformedNoticeException.class);
    }

    @Test
    void aDeletedBranchAnnouncesNoRevision() {
        PushNotice n = parse("{\"ref\":\"refs/heads/main\",\"after\":\"" + "0".repeat(40)
                        + "\",\"deleted\":true,\"repository\":{\"clone_url\":\"https://github.com/acme/infra.git\"}}")
                .get(0);
        assertThat(n.revision()).isNull();
    }
}
