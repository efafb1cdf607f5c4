package io.alfred.gitops.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.alfred.gitops.config.SourceSettings;
import io.alfred.gitops.testing.TestRepo;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.eclipse.jgit.junit.ssh.SshTestGitServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SSH with a user key and strict known_hosts, against JGit's test SSH server (Apache MINA sshd). */
class GitSourceSshTest {
    @TempDir
    Path tmp;

    TestRepo remote;
    SshTestGitServer server;
    KeyPair hostKey;
    KeyPair userKey;
    int port;
    String head;

    @BeforeEach
    void setUp() throws Exception {
        remote = TestRepo.create(tmp.resolve("infra"));
        head = remote.write("app/config.yaml", "v: 1\n").commit("first");
        hostKey = newKey();
        userKey = newKey();
        server = new SshTestGitServer("git", userKey.getPublic(), remote.repository(), hostKey);
        port = server.start();
    }

    @AfterEach
    void tearDown() throws Exception {
        server.stop();
        remote.close();
    }

    private static KeyPair newKey() throws Exception {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
        gen.initialize(new ECGenParameterSpec("secp256r1"));
        return gen.generateKeyPair();
    }

    private Path privateKeyFile(KeyPair key) throws Exception {
        Path file = tmp.resolve("id_ecdsa");
        try (OutputStream out = Files.newOutputStream(file)) {
            new OpenSSHKeyPairResourceWriter().writePrivateKey(key, "test", null, out);
        }
        return file;
    }

    private Path knownHosts(KeyPair... keys) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (KeyPair k : keys) {
            sb.append("[127.0.0.1]:")
                    .append(port)
                    .append(' ')
                    .append(PublicKeyEntry.toString(k.getPublic()))
                    .append('\n');
        }
        Path file = tmp.resolve("known_hosts");
        Files.writeString(file, sb.toString());
        return file;
    }

    private GitSource source(Path key, Path knownHosts) {
        String url = "ssh://git@127.0.0.1:" + port + "/" + remote.dir().resolve(".git");
        return new GitSource(
                SourceSettings.anonymous(url, "main", ".", tmp.resolve("work")).withSshAuth(key, knownHosts));
    }

    @Test
    void fetchesWithKeyAndKnownHost() throws Exception {
        try (GitSource src = source(privateKeyFile(userKey), knownHosts(hostKey))) {
            assertThat(src.poll().revision()).isEqualTo(head);
            String next = remote.write("app/config.yaml", "v: 2\n").commit("second");
            assertThat(src.poll().revision()).isEqualTo(next);
        }
    }

    @Test
    void unknownHostKeyIsRefused() throws Exception {
        Files.writeString(tmp.resolve("empty_known_hosts"), "");
        try (GitSource src = source(privateKeyFile(userKey), tmp.resolve("empty_known_hosts"))) {
            assertThatThrownBy(src::poll)
                    .isInstanceOf(SourceException.class)
                    .hasMessageContaining("SSH host key rejected")
                    .hasMessageContaining("is not in known_hosts");
        }
        assertThat(Files.readString(tmp.resolve("empty_known_hosts")))
                .as("never added silently")
                .isEmpty();
    }

    @Test
    void changedHostKeyIsRefused() throws Exception {
        try (GitSource src = source(privateKeyFile(userKey), knownHosts(newKey()))) {
            assertThatThrownBy(src::poll)
                    .isInstanceOf(SourceException.class)
                    .hasMessageContaining("does not match the key in known_hosts");
        }
    }

    @Test
    void wrongUserKeyIsRefused() throws Exception {
        try (GitSource src = source(privateKeyFile(newKey()), knownHosts(hostKey))) {
            assertThatThrownBy(src::poll)
                    .isInstanceOf(SourceException.class)
                    .hasMessageContaining("credentials refused");
        }
    }
}
