package io.alfred.gitops.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** Where the infra repository lives and how to reach it, after overrides and validation. */
public record SourceSettings(
        String url,
        String ref,
        String path,
        Duration interval,
        Path workdir,
        Optional<String> username,
        Optional<Path> tokenFile,
        Optional<Path> sshKeyFile,
        Optional<Path> knownHostsFile) {

    public static SourceSettings anonymous(String url, String ref, String path, Path workdir) {
        return new SourceSettings(
                url,
                ref,
                path,
                Durations.parse("gitops.source.interval", Defaults.SOURCE_INTERVAL),
                workdir,
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty());
    }

    public SourceSettings withRef(String newRef) {
        return new SourceSettings(
                url, newRef, path, interval, workdir, username, tokenFile, sshKeyFile, knownHostsFile);
    }

    /** The same source, mirrored under another directory (a pull request's previews keep their own). */
    public SourceSettings withWorkdir(Path dir) {
        return new SourceSettings(url, ref, path, interval, dir, username, tokenFile, sshKeyFile, knownHostsFile);
    }

    public SourceSettings withHttpAuth(String user, Path token) {
        return new SourceSettings(
                url,
                ref,
                path,
                interval,
                workdir,
                Optional.ofNullable(user),
                Optional.of(token),
                sshKeyFile,
                knownHostsFile);
    }

    public SourceSettings withSshAuth(Path key, Path knownHosts) {
        return new SourceSettings(
                url, ref, path, interval, workdir, username, tokenFile, Optional.of(key), Optional.of(knownHosts));
    }
}
