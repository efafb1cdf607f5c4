package io.alfred.gitops.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.alfred.gitops.config.SourceSettings;
import io.alfred.gitops.testing.TestRepo;
import java.io.IOException;
import java.lang.reflect.Field;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.junit.http.AccessEvent;
import org.eclipse.jgit.junit.http.AppServer;
import org.eclipse.jgit.junit.http.SimpleHttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Smart HTTP with basic auth, served by JGit's test HTTP server (Jetty + GitServlet). */
class GitSourceHttpTest {
    @TempDir
    Path tmp;

    TestRepo remote;
    SimpleHttpServer server;
    Path tokenFile;
    String head;

    @BeforeEach
    void setUp() throws Exception {
        remote = TestRepo.create(tmp.resolve("infra"));
        head = remote.write("app/config.yaml", "v: 1\n").commit("first");
        server = new SimpleHttpServer(remote.repository());
        server.start();
        tokenFile = tmp.resolve("token");
    }

    @AfterEach
    void tearDown() throws Exception {
        server.stop();
        remote.close();
    }

    private GitSource source(String url) {
        return new GitSource(SourceSettings.anonymous(url, "main", ".", tmp.resolve("work"))
                .withHttpAuth(AppServer.username, tokenFile));
    }

    @Test
    void fetchesWithUserAndToken() throws Exception {
        Files.writeString(tokenFile, AppServer.password + "\n");
        try (GitSource src = source(server.getUri().toString())) {
            assertThat(src.poll().revision()).isEqualTo(head);
        }
    }

    @Test
    void refusedCredentialsAreReportedWithoutTheToken() throws Exception {
        Files.writeString(tokenFile, "wrong-secret-token");
        try (GitSource src = source(server.getUri().toString())) {
            assertThatThrownBy(src::poll)
                    .isInstanceOf(SourceException.class)
                    .hasMessageContaining("credentials refused")
                    .hasMessageContaining(server.getUri().getHost())
                    .hasMessageNotContaining("wrong-secret-token");
        }
    }

    @Test
    void aRotatedTokenIsPickedUpWithoutRestart() throws Exception {
        Files.writeString(tokenFile, "expired-token");
        try (GitSource src = source(server.getUri().toString())) {
            assertThatThrownBy(src::poll).isInstanceOf(SourceException.class);
            Files.writeString(tokenFile, AppServer.password);
            assertThat(src.poll().revision()).isEqualTo(head);
            String next = remote.write("app/config.yaml", "v: 2\n").commit("second");
            assertThat(src.poll().revision()).isEqualTo(next);
        }
    }

    @Test
    void credentialsInTheUrlNeverReachTheMessage() throws Exception {
        Files.writeString(tokenFile, "whatever");
        String withUserInfo = server.getUri().toString().replace("://", "://agitter:hunter2secret@");
        try (GitSource src = new GitSource(SourceSettings.anonymous(
                withUserInfo.replace("/sbasic/", "/nothing/"), "main", ".", tmp.resolve("work")))) {
            assertThatThrownBy(src::poll).isInstanceOf(SourceException.class).hasMessageNotContaining("hunter2secret");
        }
    }

    /**
     * The requests the server has answered with their content, in order: {@code refs} (for
     * {@code GET info/refs}) and {@code git-upload-pack}. Each is first asked without credentials
     * and refused; those refusals are left out.
     */
    private List<String> requests() throws Exception {
        return answered().stream()
                .filter(request -> request.getStatus() != 401)
                .map(AccessEvent::getPath)
                .map(path -> path.substring(path.lastIndexOf('/') + 1))
                .toList();
    }

    /** Every request the server answered, the refused ones too. */
    private int allRequests() throws Exception {
        return answered().size();
    }

    /** The server's log of requests (JGit's test server keeps it in a field of its own). */
    private List<AccessEvent> answered() throws Exception {
        Field field = SimpleHttpServer.class.getDeclaredField("server");
        field.setAccessible(true);
        return ((AppServer) field.get(server)).getRequests();
    }

    /** An earlier command's poll, which leaves the mirror tracking main; the URL it polled. */
    private String polledByAnEarlierProcess() throws Exception {
        Files.writeString(tokenFile, AppServer.password);
        String url = server.getUri().toString();
        try (GitSource earlier = source(url)) {
            assertThat(earlier.poll().revision()).isEqualTo(head);
        }
        return url;
    }

    private int countOf(List<String> requests, String name) {
        return (int) requests.stream().filter(name::equals).count();
    }

    /**
     * A command is a process of its own: its only poll of a branch an earlier one fetched is one
     * fetch, whose ref advertisement is the listing (one {@code info/refs} instead of two).
     */
    @Test
    void aNewProcessFetchesABranchItsMirrorTracksWithoutListingFirst() throws Exception {
        String url = polledByAnEarlierProcess();
        assertThat(countOf(requests(), "refs")).isEqualTo(2); // listing, then fetch
        String next = remote.write("app/config.yaml", "v: 2\n").commit("second");
        int before = requests().size();

        try (GitSource second = source(url)) {
            PollResult poll = second.poll();
            assertThat(poll.revision()).isEqualTo(next);
            assertThat(poll.fetched()).isTrue();
            List<String> made = requests().subList(before, requests().size());
            assertThat(countOf(made, "refs")).isEqualTo(1);
            assertThat(made).hasSizeLessThan(5); // the listing and then the fetch made 5 (protocol v2)
            assertThat(second.checkout(next).resolve("app/config.yaml")).hasContent("v: 2\n");
            // the process' next poll lists first, as the daemon's every poll does: no fetch when nothing moved
            int after = requests().size();
            assertThat(second.poll().fetched()).isFalse();
            assertThat(countOf(requests().subList(after, requests().size()), "refs"))
                    .isEqualTo(1);
        }
    }

    @Test
    void aTrackedBranchTheRemoteNoLongerHasIsReportedWithWhatItHas() throws Exception {
        String url = polledByAnEarlierProcess();
        remote.ref("refs/heads/release", head);
        try (Git git = new Git(remote.repository())) {
            git.checkout().setName("release").call();
            git.branchDelete().setBranchNames("main").setForce(true).call();
        }
        try (GitSource second = source(url)) {
            assertThatThrownBy(second::poll)
                    .isInstanceOf(SourceException.class)
                    .hasMessageContaining("ref 'main' does not exist on the remote (gitops.source.ref); it has")
                    .hasMessageContaining("refs/heads/release");
        }
    }

    /** A failure of the direct fetch is the poll's failure, met once: no listing repeats it. */
    @Test
    void refusedCredentialsOnTheDirectFetchAreReportedOnce() throws Exception {
        String url = polledByAnEarlierProcess();
        Files.writeString(tokenFile, "revoked-token");
        int before = allRequests();
        try (GitSource fresh = new GitSource(SourceSettings.anonymous(url, "main", ".", tmp.resolve("other-work"))
                .withHttpAuth(AppServer.username, tokenFile))) {
            assertThatThrownBy(fresh::poll).hasMessageContaining("credentials refused");
        }
        int refusedListing = allRequests() - before;

        before = allRequests();
        try (GitSource second = source(url)) {
            assertThatThrownBy(second::poll)
                    .isInstanceOf(SourceException.class)
                    .hasMessageContaining("credentials refused")
                    .hasMessageNotContaining("revoked-token");
        }
        assertThat(allRequests() - before).isEqualTo(refusedListing);
    }

    /** A port is no HTTP status: "refused" at port 40101 is unreachable, not refused credentials. */
    @Test
    void anUnreachablePortThatReadsLikeAStatusIsStillUnreachable() throws Exception {
        int port = 0;
        for (int candidate = 40101; candidate < 40199 && port == 0; candidate++) {
            try (ServerSocket s = new ServerSocket(candidate)) {
                port = s.getLocalPort();
            } catch (IOException taken) {
                // the next one
            }
        }
        assertThat(port).as("a free port among 40101-40198").isPositive();
        assertPollOfClosedPortIsUnreachable(port);
    }

    @Test
    void unreachableHostIsNamed() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        assertPollOfClosedPortIsUnreachable(port);
    }

    /** A poll of a repository at {@code port}, where nothing listens, names the URL and says unreachable. */
    private void assertPollOfClosedPortIsUnreachable(int port) throws Exception {
        Files.writeString(tokenFile, AppServer.password);
        String url = "http://127.0.0.1:" + port + "/infra.git";
        try (GitSource src = source(url)) {
            assertThatThrownBy(src::poll)
                    .isInstanceOf(SourceException.class)
                    .hasMessageStartingWith("fetch: " + url + ": remote unreachable");
        }
    }
}
