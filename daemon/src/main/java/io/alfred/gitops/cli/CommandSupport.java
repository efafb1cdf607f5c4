package io.alfred.gitops.cli;

import io.alfred.gitops.Main;
import io.alfred.gitops.Revision;
import io.alfred.gitops.Stage;
import io.alfred.gitops.StageException;
import io.alfred.gitops.config.GitopsConfig;
import io.alfred.gitops.config.Settings;
import io.alfred.gitops.config.SettingsResolver;
import io.alfred.gitops.config.StandaloneConfig;
import io.alfred.gitops.reconcile.Revisions;
import io.alfred.gitops.reconcile.Wiring;
import io.alfred.gitops.render.KustomizeOutputs;
import io.alfred.gitops.render.RenderResult;
import io.alfred.gitops.render.Renderer;
import io.alfred.gitops.render.WorkingTree;
import io.alfred.gitops.source.GitSource;
import io.alfred.gitops.source.PollResult;
import io.alfred.gitops.support.Background;
import io.alfred.gitops.verify.RevisionVerification;
import io.alfred.gitops.verify.Signer;
import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** What every one-shot command shares: its output streams, the settings, and how an error is reported. */
abstract class CommandSupport {
    @Spec
    CommandSpec spec;

    @Inject
    GitopsConfig config;

    /** Where the command's seconds went; {@code -v} prints them. */
    final CommandTimings timings = new CommandTimings();

    /** What the command does; picocli calls it through {@link java.util.concurrent.Callable}. */
    public abstract Integer call();

    /**
     * Whether this command line can run before and instead of the application's start
     * ({@link EarlyAnswer}): it needs its settings, git, Kustomize and the cluster's API server,
     * none of the application's services (no HTTP, no metrics, no sandbox).
     */
    boolean runsWithoutApplication() {
        return false;
    }

    /** Makes what the application would inject besides the configuration; nothing by default. */
    void wireWithoutApplication() {}

    /**
     * Runs the command with the configuration read by {@link StandaloneConfig} (the application's
     * sources, in its order) and the log set up from the same keys, instead of the application's.
     */
    int callWithoutApplication() {
        try {
            StandaloneConfig standalone = StandaloneConfig.read();
            ConsoleLog.install(standalone, Main.verbose());
            config = standalone.gitops();
        } catch (RuntimeException e) {
            err().println("alfred-gitops: config: " + oneLine(e) + "; see docs/reference.md for the keys");
            err().flush();
            return ExitCodes.ERROR;
        }
        wireWithoutApplication();
        return call();
    }

    private static String oneLine(RuntimeException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.replaceAll("\\s*\\R\\s*", " ").trim();
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    Settings settings(CommonOptions options) {
        String command = spec.name();
        if (options.local != null && !command.equals("render") && !command.equals("diff")) {
            throw new StageException(
                    Stage.CONFIG,
                    "--local",
                    "previews with render and diff only: " + command
                            + " applies commits, so that what runs in the cluster is always in git");
        }
        return SettingsResolver.resolve(config, options.overrides());
    }

    /**
     * Renders the working tree ({@code --local DIR}), or the newest commit, saying on stderr when the
     * local repository has uncommitted changes under the path that the commit does not include.
     */
    RenderResult renderFor(CommonOptions options, Settings settings) {
        if (options.local != null) {
            return timings.time(
                    Stage.RENDER,
                    () -> WorkingTree.of(options.local).render(new Renderer(settings.render(), KustomizeOutputs.NONE)));
        }
        // git fetches while the renderer is built (its set-up is the process' first use of Jackson)
        GitSource source = Wiring.source(settings);
        CompletableFuture<Revision> fetch = Background.supply("gitops-fetch", () -> fetched(source::poll));
        Revisions revisions;
        try {
            revisions = Wiring.revisions(settings, source);
        } catch (RuntimeException e) {
            source.close(); // waits for the fetch
            throw e;
        }
        try (revisions) {
            return latestWithNote(revisions, settings, Background.join(fetch));
        }
    }

    private RenderResult latestWithNote(Revisions revisions, Settings settings, Revision fetched) {
        RenderResult result = rendered(revisions, fetched);
        RevisionVerification verification = revisions.verify(result.revision());
        if (verification.isRequired()) {
            if (verification.isVerified()) {
                err().printf(
                                "note: commit %s is verified: %s%n",
                                result.revision().abbreviated(),
                                verification.signer().map(Signer::describe).orElse("signed"));
            } else {
                err().printf(
                                "warning: commit %s is UNVERIFIED (%s); the daemon will not apply it "
                                        + "(gitops.source.verify.mode=%s)%n",
                                result.revision().abbreviated(),
                                verification.refusal().orElseThrow().describe(),
                                settings.verify().mode().label());
            }
        }
        List<String> uncommitted = revisions.uncommittedUnderPath();
        if (!uncommitted.isEmpty()) {
            err().printf(
                            "note: this is commit %s; %d uncommitted change(s) under %s are not included (%s%s);"
                                    + " to see them, use --local %s%n",
                            result.revision().abbreviated(),
                            uncommitted.size(),
                            settings.source().path(),
                            uncommitted.get(0),
                            uncommitted.size() > 1 ? ", ..." : "",
                            Path.of(URI.create(settings.source().url()))
                                    .resolve(settings.source().path())
                                    .normalize());
        }
        return result;
    }

    /** The revision the ref points at now, as {@code poll} finds it, timed as stage fetch. */
    Revision fetched(Supplier<PollResult> poll) {
        return timings.time(Stage.FETCH, () -> Revision.of(poll.get().revision()));
    }

    /** The revision rendered (cached by revision), timed as stage render. */
    RenderResult rendered(Revisions revisions, Revision revision) {
        return timings.time(Stage.RENDER, () -> revisions.render(revision));
    }

    /** With {@code -v}: one line on standard error saying where the command's seconds went. */
    void printTimings() {
        if (Main.verbose()) {
            err().println(timings.line());
            err().flush();
        }
    }

    /** Prints {@code alfred-gitops: <stage>: <object>: <cause>} once and returns the exit code. */
    int fail(StageException e, int exitCode) {
        out().flush();
        err().println("alfred-gitops: " + e.getMessage());
        if (Main.verbose() && e.getCause() != null) {
            e.getCause().printStackTrace(err());
        }
        return exitCode;
    }
}
