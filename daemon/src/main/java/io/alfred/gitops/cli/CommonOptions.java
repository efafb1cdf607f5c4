package io.alfred.gitops.cli;

import io.alfred.gitops.config.Overrides;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Options every command takes; each overrides the configuration key of the same meaning. */
public class CommonOptions {
    @Option(
            names = "--repo",
            paramLabel = "URL|DIR",
            description = "Git URL, or a local directory holding a git repository (gitops.source.url).")
    String repo;

    @Option(
            names = "--ref",
            paramLabel = "REF",
            description = "Branch, refs/tags/... or commit SHA (gitops.source.ref).")
    String ref;

    @Option(
            names = "--path",
            paramLabel = "PATH",
            description = "Path of the overlay inside the repository (gitops.source.path).")
    String path;

    @Option(names = "--cluster", paramLabel = "NAME", description = "Name of this cluster (gitops.cluster.name).")
    String cluster;

    @Option(
            names = "--env",
            paramLabel = "ENV",
            description = "Environment of this cluster (gitops.cluster.environment).")
    String environment;

    @Option(
            names = "--local",
            paramLabel = "DIR",
            description = "render and diff: the directory as it is on disk,"
                    + " uncommitted edits included, instead of a commit (no git needed).")
    Path local;

    @Option(names = "--sandbox", description = "Use a built-in sandbox API server instead of the kubeconfig cluster.")
    boolean sandbox;

    @Option(
            names = {"-v", "--verbose"},
            description = "Log progress (INFO) and print stack traces; the daemon logs DEBUG.")
    boolean verbose;

    public Overrides overrides() {
        return new Overrides(
                Optional.ofNullable(repo),
                Optional.ofNullable(ref),
                Optional.ofNullable(path),
                Optional.ofNullable(cluster),
                Optional.ofNullable(environment),
                Optional.ofNullable(local));
    }
}
