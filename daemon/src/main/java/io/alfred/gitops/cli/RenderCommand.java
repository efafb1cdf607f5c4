package io.alfred.gitops.cli;

import io.alfred.gitops.Main;
import io.alfred.gitops.StageException;
import io.alfred.gitops.config.Settings;
import io.alfred.gitops.render.Manifest;
import io.alfred.gitops.render.ManifestWriter;
import io.alfred.gitops.render.RenderResult;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code render}: fetch the revision and print the rendered overlay, in apply order. */
@Command(
        name = "render",
        mixinStandardHelpOptions = true,
        description = "Print the rendered overlay as multi-document YAML, in apply order. Exit 0 ok, 2 error.")
public class RenderCommand extends CommandSupport implements Callable<Integer> {
    @Mixin
    CommonOptions options;

    @Option(
            names = "--show-secrets",
            description = "Print Secret values (hidden by default: a terminal or a CI log is no place for them).")
    boolean showSecrets;

    @Override
    boolean runsWithoutApplication() {
        return true;
    }

    @Override
    public Integer call() {
        PrintWriter out = out();
        try {
            Settings settings = settings(options);
            RenderResult result = renderFor(options, settings);
            result.warnings().forEach(w -> err().println("kustomize: " + w));
            out.print(ManifestWriter.toYaml(
                    showSecrets
                            ? result.manifests()
                            : result.manifests().stream()
                                    .map(Manifest::withSecretValuesHidden)
                                    .toList()));
            out.flush();
            if (Main.verbose()) {
                err().printf(
                                "# %d objects from %s at %s, path %s%n",
                                result.manifests().size(),
                                settings.source().url(),
                                result.revision().sha(),
                                settings.source().path());
            }
            printTimings();
            return ExitCodes.OK;
        } catch (StageException e) {
            return fail(e, ExitCodes.ERROR);
        }
    }
}
