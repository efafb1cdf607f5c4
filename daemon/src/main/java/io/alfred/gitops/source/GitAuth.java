package io.alfred.gitops.source;

import io.alfred.gitops.config.SettingsResolver;
import io.alfred.gitops.config.SourceSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.jgit.api.TransportCommand;
import org.eclipse.jgit.transport.SshTransport;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.eclipse.jgit.transport.sshd.JGitKeyCache;
import org.eclipse.jgit.transport.sshd.SshdSessionFactory;
import org.eclipse.jgit.transport.sshd.SshdSessionFactoryBuilder;

/**
 * Credentials for one git operation. The HTTPS token is read from its file on every operation so a
 * rotated secret is picked up without a restart. SSH uses only the configured key and known_hosts:
 * the user's ~/.ssh and ssh config are never consulted.
 */
final class GitAuth implements AutoCloseable {
    static final int NETWORK_TIMEOUT_SECONDS = 60;

    private final SourceSettings settings;
    private final KnownHostsDatabase knownHosts;
    private final SshdSessionFactory sshFactory;
    private volatile String lastToken;

    GitAuth(SourceSettings settings) {
        this.settings = settings;
        if (SettingsResolver.isSsh(settings.url()) && settings.sshKeyFile().isPresent()) {
            Path key = settings.sshKeyFile().get();
            this.knownHosts = new KnownHostsDatabase(settings.knownHostsFile()
                    .orElseThrow(() -> new SourceException(
                            settings.url(), "an SSH URL needs gitops.source.auth.known-hosts-file")));
            Path sshHome = settings.workdir().resolve("ssh-home");
            this.sshFactory = new SshdSessionFactoryBuilder()
                    .setHomeDirectory(sshHome.toFile())
                    .setSshDirectory(sshHome.resolve(".ssh").toFile())
                    .setConfigStoreFactory((home, configFile, user) -> null)
                    .setDefaultIdentities(dir -> List.of(key))
                    .setServerKeyDatabase((home, dir) -> knownHosts)
                    .setPreferredAuthentications("publickey")
                    .build(new JGitKeyCache());
        } else {
            this.knownHosts = null;
            this.sshFactory = null;
        }
    }

    <C extends TransportCommand<C, ?>> C configure(C command) {
        command.setTimeout(NETWORK_TIMEOUT_SECONDS);
        if (sshFactory != null) {
            command.setTransportConfigCallback(t -> {
                if (t instanceof SshTransport ssh) {
                    ssh.setSshSessionFactory(sshFactory);
                }
            });
        } else if (settings.tokenFile().isPresent()) {
            command.setCredentialsProvider(new UsernamePasswordCredentialsProvider(
                    settings.username().orElse("git"),
                    readToken(settings.tokenFile().get())));
        }
        return command;
    }

    /** Why the last SSH host key was refused, or null. */
    String hostKeyRejection() {
        return knownHosts == null ? null : knownHosts.lastRejection();
    }

    /** Removes the current token from a message, whatever the transport put into it. */
    String redact(String message) {
        return Redactor.text(message, lastToken);
    }

    private String readToken(Path file) {
        try {
            String token = Files.readString(file, StandardCharsets.UTF_8).trim();
            lastToken = token;
            return token;
        } catch (IOException e) {
            throw new SourceException(
                    settings.url(),
                    "cannot read token file " + file + " (gitops.source.auth.token-file): " + e.getMessage());
        }
    }

    @Override
    public void close() {
        if (sshFactory != null) {
            sshFactory.close();
        }
    }
}
