package io.alfred.gitops.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.alfred.gitops.config.SourceSettings;
import io.alfred.gitops.testing.TestRepo;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
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

    @Test
    void unreachableHostIsNamed() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Files.writeString(tokenFile, AppServer.password);
        String url = "http://127.0.0.1:" + port + "/infra.git";
        try (GitSource src = source(url)) {
            assertThatThrownBy(src::poll)
                    .isInstanceOf(SourceException.class)
                    .hasMessageStartingWith("fetch: " + url + ": remote unreachable");
        }
    }
}
